"""infra/ passes its checkers: python-hcl2 parses it, checkov finds nothing unexplained, terraform accepts it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from phenom_infra.hcl import ENVIRONMENTS_DIR, INFRA_DIR, REPO_ROOT, parse_file, terraform_files
from phenom_infra.tools import (
    CHECKOV,
    CHECKOV_CONFIG,
    CHECKOV_MISSING,
    TERRAFORM_MISSING,
    checkov_summary,
    run,
    run_checkov,
    terraform_binary,
    terraform_init_command,
)

pytestmark = pytest.mark.contract

ENVIRONMENTS = sorted(path.name for path in ENVIRONMENTS_DIR.iterdir() if path.is_dir())
_CHECK_ID = re.compile(r"^CKV2?_AWS_\d+$")
_SKIP_LINE = re.compile(r"^\s*-\s*(?P<check>\S+)\s*$")


@pytest.fixture(scope="module")
def terraform() -> str:
    """Path of the terraform binary; the tests that need it skip when it is not installed."""
    binary = terraform_binary()
    if binary is None:
        pytest.skip(TERRAFORM_MISSING)
    return binary


@pytest.fixture(scope="module")
def infra_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of infra/, so terraform init writes its working files outside the repository."""
    copy = tmp_path_factory.mktemp("terraform") / "infra"
    shutil.copytree(INFRA_DIR, copy, ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl"))
    return copy


@pytest.mark.parametrize("path", terraform_files(), ids=lambda path: str(path.relative_to(INFRA_DIR)))
def test_python_hcl2_parses_every_file(path: Path) -> None:
    assert parse_file(path), f"{path} declares nothing"


def test_checkov_passes() -> None:
    if not CHECKOV.exists():
        pytest.fail(CHECKOV_MISSING, pytrace=False)
    result = run_checkov()
    summary = checkov_summary(result.output)
    assert result.returncode == 0, result.describe()
    assert summary is not None and summary.failed == 0 and summary.passed > 0, result.describe()


def test_every_checkov_skip_is_a_check_id_with_its_reason_above_it() -> None:
    lines = CHECKOV_CONFIG.read_text(encoding="utf-8").splitlines()
    skipped = yaml.safe_load("\n".join(lines))["skip-check"]
    unexplained = []
    explained = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            explained = True
        elif _SKIP_LINE.match(line):
            if not explained:
                unexplained.append(stripped)
        else:
            explained = False
    assert skipped and all(_CHECK_ID.match(check) for check in skipped), skipped
    assert unexplained == [], "each skip-check entry needs a comment above it saying why"


def test_checks_are_skipped_only_in_the_checkov_config() -> None:
    inline = [str(path) for path in terraform_files() if "checkov:skip" in path.read_text(encoding="utf-8")]
    assert inline == []


def test_terraform_fmt_leaves_infra_unchanged(terraform: str) -> None:
    result = run([terraform, "fmt", "-check", "-recursive", "-diff", "-no-color", str(INFRA_DIR)], REPO_ROOT)
    assert result.returncode == 0, result.describe()


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_terraform_validate(terraform: str, infra_copy: Path, name: str) -> None:
    working_dir = infra_copy / "environments" / name
    init = run(terraform_init_command(terraform), working_dir)
    assert init.returncode == 0, init.describe()
    validate = run([terraform, "validate", "-no-color"], working_dir)
    assert validate.returncode == 0, validate.describe()
