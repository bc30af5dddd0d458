"""The conformance runner replays cases in Hasura's YAML format against a fresh double and says which agree.

The cases are the project's own (cases/, written for these tests); the runner is run as developers run it on
Hasura's upstream cases: `python -m phenom_stack.double.conformance DIR`, with its own embedded Postgres.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.contract

CASES = Path(__file__).parent / "cases"
REPO_ROOT = Path(__file__).resolve().parents[4]
RUN_TIMEOUT_SECONDS = 180


def _conformance(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "phenom_stack.double.conformance", *arguments],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )


@pytest.fixture(scope="module")
def shipped_run() -> subprocess.CompletedProcess:
    """The runner over the project's own cases."""
    return _conformance(str(CASES))


def _lines(run: subprocess.CompletedProcess, mark: str) -> list[str]:
    return [line.split(None, 1)[1] for line in run.stdout.splitlines() if line.startswith(mark + " ")]


def test_every_shipped_case_agrees(shipped_run):
    assert shipped_run.returncode == 0, shipped_run.stdout[-3000:] + shipped_run.stderr[-3000:]
    assert _lines(shipped_run, "DIFFER") == []
    assert "tables/reader_permission_forms.yaml" in _lines(shipped_run, "AGREE")
    assert shipped_run.stdout.strip().splitlines()[-1].endswith("0 differ, 1 skipped")


def test_each_mutation_case_starts_from_the_values_setup(shipped_run):
    assert {"mutations/insert_first.yaml", "mutations/insert_second.yaml"} <= set(_lines(shipped_run, "AGREE"))


def test_upstreams_jwt_checks_run_over_the_permissions_query(shipped_run):
    jwt = [name for name in _lines(shipped_run, "AGREE") if "[jwt " in name]
    assert any("jwt cookie: /v1alpha1/graphql invalid role in request header" in name for name in jwt)
    assert any("namespace-path-special-characters" in name for name in jwt)


def test_a_directory_without_setup_is_skipped(shipped_run):
    assert _lines(shipped_run, "SKIP") == ["no_setup/orphan.yaml"]


def test_a_differing_answer_is_reported_and_fails_the_run(tmp_path):
    suite = tmp_path / "tables"
    suite.mkdir()
    shutil.copy(CASES / "tables" / "setup.yaml", suite / "setup.yaml")
    wrong = (CASES / "tables" / "select_writers.yaml").read_text().replace("name: Brian", "name: Carol")
    (suite / "select_writers.yaml").write_text(wrong)
    run = _conformance(str(tmp_path), "--verbose")
    assert run.returncode == 1
    assert _lines(run, "DIFFER") == ["tables/select_writers.yaml"]
    assert '"name": "Carol"' in run.stdout and '"name": "Brian"' in run.stdout
    assert run.stdout.strip().splitlines()[-1] == "0 of 1 cases agree, 1 differ, 0 skipped"


def test_a_missing_directory_is_a_usage_error(tmp_path):
    run = _conformance(str(tmp_path / "absent"))
    assert run.returncode == 2 and "is not a directory" in run.stderr
