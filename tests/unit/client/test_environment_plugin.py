"""The --env plugin as a user meets it: pytest run in a subprocess, stopping at start with a message naming the fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO_ROOT = Path(__file__).resolve().parents[3]
ROUNDTRIP_TEST = "tests/smoke/test_roundtrip.py"
USAGE_ERROR = 4


def run_pytest(*arguments: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """pytest in the repo with a bare environment: no AWS credentials and no smoke password can leak in."""
    environment = {
        "PATH": os.defpath,
        "PYTHONUTF8": "1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_CONFIG_FILE": os.devnull,
        **(extra_env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *arguments],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_unknown_env_stops_the_run_naming_the_known_ones():
    result = run_pytest("--env", "staging", ROUNDTRIP_TEST)
    assert result.returncode == USAGE_ERROR
    assert "--env staging is not in phenom_client/environments.toml: pick one of dev, local, prod" in result.stderr


def test_dev_stops_the_run_naming_its_missing_keys():
    result = run_pytest("-m", "smoke", "--env", "dev", ROUNDTRIP_TEST)
    assert result.returncode == USAGE_ERROR
    assert "[dev] has no graphql_url, user_pool_id, client_id, smoke_username" in result.stderr


@pytest.mark.parametrize("marker_expression", ["contract", "contract or smoke", "not load"])
def test_contract_tests_against_prod_are_refused_before_any_test_runs(marker_expression):
    result = run_pytest("-m", marker_expression, "--env", "prod", "tests")
    assert result.returncode == USAGE_ERROR
    assert "the contract suite runs only against the local stack, not --env prod" in result.stderr
    assert " passed" not in result.stdout


def test_prod_smoke_without_any_credentials_fails_naming_the_variable_and_the_secret(tmp_path):
    # GIVEN no PHENOM_SMOKE_PASSWORD and no AWS credentials
    report = tmp_path / "report.json"
    # WHEN the prod smoke suite runs
    result = run_pytest("-m", "smoke", "--env", "prod", "--phenom-report", str(report), ROUNDTRIP_TEST)
    # THEN it fails (never skips), saying what to set, and the report says the steps did not run
    assert result.returncode == 1
    assert "1 error" in result.stdout and "skipped" not in result.stdout
    assert "no smoke password for --env prod: set PHENOM_SMOKE_PASSWORD" in result.stdout
    assert "Secrets Manager secret phenom-prod-smoke-credentials in us-east-1" in result.stdout
    written = json.loads(report.read_text())
    assert written["status"] == "failed"
    assert {step["status"] for step in written["steps"]} == {"not run"}


def test_the_header_shows_env_endpoint_and_revision_but_no_secret():
    result = run_pytest(
        "-m",
        "smoke",
        "--env",
        "prod",
        "--collect-only",
        ROUNDTRIP_TEST,
        extra_env={"PHENOM_SMOKE_PASSWORD": "header-must-not-show-this"},
    )
    assert result.returncode == 0
    assert "phenom env: prod: https://api.thephenom.app/v1/graphql" in result.stdout
    assert "git revision: " in result.stdout
    assert "header-must-not-show-this" not in result.stdout + result.stderr
