"""Postman parity: Newman runs hasura/postman's collection against the local stack, and every assertion passes."""

from __future__ import annotations

import json
import subprocess

import pytest

from phenom_client.redaction import redact
from phenom_stack.newman import (
    COLLECTION,
    NEWMAN_MISSING,
    REPO_ROOT,
    newman_available,
    newman_command,
    write_environment,
)

pytestmark = pytest.mark.contract

NEWMAN_TIMEOUT_SECONDS = 180


@pytest.fixture(scope="module")
def newman_run(local_stack, tmp_path_factory) -> dict:
    """Newman's JSON report of one run of the collection against the local stack, with the first user's password."""
    if not newman_available():
        pytest.skip(NEWMAN_MISSING)
    private = tmp_path_factory.mktemp("newman")
    report = private / "report.json"
    command = newman_command(write_environment(local_stack, private), json_report=report)
    result = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=NEWMAN_TIMEOUT_SECONDS, check=False
    )
    if not report.exists():
        pytest.fail(
            f"newman wrote no report (exit {result.returncode}): {redact(result.stdout + result.stderr)[-2000:]}"
        )
    # Newman's report and environment hold the run's tokens, signed URLs and password: read, then remove them.
    run = json.loads(report.read_text())["run"]
    for secret_file in private.iterdir():
        secret_file.unlink()
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
    collection = json.loads(COLLECTION.read_text())
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
