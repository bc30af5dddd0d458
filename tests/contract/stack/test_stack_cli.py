"""`phenom-stack up --json` as a developer runs it: one JSON line once ready, every URL on loopback, a backend that
answers, and on SIGTERM a clean exit that leaves no process and no temporary file behind."""

from __future__ import annotations

import os
import signal
import subprocess
from urllib.parse import urlsplit

import pytest

from phenom_stack.hasura_project import recorded_user_ids
from tests.contract.stack_cli_process import (
    STOP_TIMEOUT_SECONDS,
    left_behind,
    phenom_stack_command,
    phenom_stack_up,
    traversable_tmpdir,
)
from tests.kit.faults import descendants, running

pytestmark = pytest.mark.contract

READY_TIMEOUT_SECONDS = 90
REQUIRED_KEYS = {
    "stack",
    "graphql_url",
    "action_url",
    "aws_endpoint_url",
    "region",
    "user_pool_id",
    "client_id",
    "media_bucket",
    "admin_secret",
    "users",
    "aws_credentials",
}
URL_KEYS = ("graphql_url", "action_url", "aws_endpoint_url")


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    """`phenom-stack up --json --stack hermetic` running with a TMPDIR of its own: (process, document, tmpdir)."""
    stderr_path = tmp_path_factory.mktemp("phenom-stack-cli") / "stderr.txt"
    with (
        traversable_tmpdir() as tmpdir,
        phenom_stack_up("hermetic", tmpdir, stderr_path, READY_TIMEOUT_SECONDS) as (process, document),
    ):
        yield process, document, tmpdir


@pytest.fixture(scope="module")
def stopped_cli(cli):
    """The same run after SIGTERM: (exit code, or None if it hung; the processes it had; the rest of its stdout)."""
    process, _, _ = cli
    children = descendants(process.pid)
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        code = None
    return code, children, process.stdout.read()


def test_prints_one_json_line_with_the_stack(cli):
    _, document, _ = cli
    assert set(document) >= REQUIRED_KEYS
    assert document["stack"] == "hermetic"
    assert [{"username", "password"} <= set(user) for user in document["users"]] == [True, True]


@pytest.mark.parametrize("key", URL_KEYS)
def test_urls_are_on_loopback(cli, key):
    _, document, _ = cli
    assert urlsplit(document[key]).hostname == "127.0.0.1"


def test_printed_backend_answers(cli):
    _, document, _ = cli
    # Ids only: the printed users carry their passwords, which an assertion message must not show.
    recorded = recorded_user_ids(document["graphql_url"], document["admin_secret"])
    printed = {user["sub"] for user in document["users"]}
    assert recorded == printed


def test_sigterm_exits_zero(stopped_cli):
    code, _, rest_of_stdout = stopped_cli
    assert code == 0, f"phenom-stack did not exit 0 within {STOP_TIMEOUT_SECONDS}s after SIGTERM (got {code})"
    assert rest_of_stdout == "", "the JSON line must be the only thing on stdout"


def test_sigterm_leaves_no_process(stopped_cli):
    _, children, _ = stopped_cli
    assert children, "the stack should have started child processes (Postgres, Lambda hosts)"
    assert {pid for pid in children if running(pid)} == set()


def test_sigterm_leaves_no_temporary_files(cli, stopped_cli):
    process, _, tmpdir = cli
    assert left_behind(tmpdir, process.pid) == []


def test_docker_without_engine_fails_at_start_with_a_fix(tmp_path):
    # GIVEN a DOCKER_HOST where no engine can answer
    result = subprocess.run(
        [*phenom_stack_command(), "up", "--json", "--stack", "docker"],
        capture_output=True,
        text=True,
        timeout=STOP_TIMEOUT_SECONDS,
        env={**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/no-docker.sock", "TMPDIR": str(tmp_path)},
    )
    # THEN it fails at once (no skip, no fallback) and says how to fix it
    assert result.returncode == 1
    assert result.stdout == ""
    assert "start dockerd (or set DOCKER_HOST)" in result.stderr
