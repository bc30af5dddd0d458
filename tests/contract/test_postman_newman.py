"""Postman parity: Newman runs hasura/postman's collection against the local stack, and every assertion passes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.client.redaction import redact

pytestmark = pytest.mark.contract

REPO_ROOT = Path(__file__).resolve().parents[2]
POSTMAN_DIR = REPO_ROOT / "hasura" / "postman"
NEWMAN = REPO_ROOT / "node_modules" / ".bin" / "newman"
NEWMAN_MISSING = "npm/newman not installed: run make setup on a machine with npm"
NEWMAN_TIMEOUT_SECONDS = 180
REQUEST_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def newman_run(local_stack, tmp_path_factory) -> dict:
    """Newman's JSON report of one run of the collection against the local stack, with the first user's password."""
    if not NEWMAN.exists() or shutil.which("node") is None:
        pytest.skip(NEWMAN_MISSING)
    report = tmp_path_factory.mktemp("newman") / "report.json"
    smoke_user = local_stack.users[0]
    overrides = {
        "graphql_url": local_stack.graphql_url,
        "cognito_endpoint": f"{local_stack.aws_endpoint_url}/",
        "client_id": local_stack.client_id,
        "username": smoke_user.username,
        "password": smoke_user.password,
    }
    command = [
        str(NEWMAN),
        "run",
        str(POSTMAN_DIR / "phenom.postman_collection.json"),
        "--environment",
        str(POSTMAN_DIR / "phenom-local.postman_environment.json"),
        *[argument for key, value in overrides.items() for argument in ("--env-var", f"{key}={value}")],
        "--reporters",
        "json",
        "--reporter-json-export",
        str(report),
        "--timeout-request",
        str(REQUEST_TIMEOUT_MS),
        "--disable-unicode",
        "--color",
        "off",
    ]
    result = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=NEWMAN_TIMEOUT_SECONDS, check=False
    )
    if not report.exists():
        # The command line holds the local password: show only Newman's own output, redacted.
        pytest.fail(
            f"newman wrote no report (exit {result.returncode}): {redact(result.stdout + result.stderr)[-2000:]}"
        )
    # Newman's report holds the run's tokens and signed URLs: read it, then remove it.
    run = json.loads(report.read_text())["run"]
    report.unlink()
    return run


def failures_of(run: dict) -> list[str]:
    return [
        redact(
            f"{failure['source'].get('name', '?')}: "
            f"{failure['error'].get('test') or ''} {failure['error'].get('message', '')}"
        )
        for failure in run["failures"]
    ]


def test_every_request_of_the_collection_runs_against_the_local_stack(newman_run):
    collection = json.loads((POSTMAN_DIR / "phenom.postman_collection.json").read_text())
    ran = [execution["item"]["name"] for execution in newman_run["executions"]]
    assert ran == [item["name"] for item in collection["item"]], failures_of(newman_run)


def test_no_request_or_script_fails(newman_run):
    stats = newman_run["stats"]
    assert stats["requests"]["failed"] == 0 and stats["prerequestScripts"]["failed"] == 0, failures_of(newman_run)
    assert stats["testScripts"]["failed"] == 0, failures_of(newman_run)
    assert newman_run["failures"] == [], failures_of(newman_run)


def test_every_assertion_passes(newman_run):
    assertions = [assertion for execution in newman_run["executions"] for assertion in execution.get("assertions", [])]
    assert len(assertions) >= 20
    failed = [assertion["assertion"] for assertion in assertions if assertion.get("error")]
    assert failed == [], failures_of(newman_run)
    assert newman_run["stats"]["assertions"]["failed"] == 0
