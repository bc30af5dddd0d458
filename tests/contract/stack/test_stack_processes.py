"""The stack's own processes (moto, the engine double) and what a start that fails half-way leaves behind.

moto and the double listen on 127.0.0.1 only (moto also on each --also-listen address, at the same port), say READY
with their port, refuse a malformed configuration, and exit 0 on SIGTERM or SIGINT; a stack whose start fails after
its processes are up stops every one of them and removes its files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from contextlib import ExitStack

import pytest
import requests

from phenom_stack.child_process import REPO_ROOT, STOP_TIMEOUT_SECONDS, start_child, wait_ready
from phenom_stack.double_process import DoubleProcess
from phenom_stack.errors import StackStartError
from phenom_stack.ports import free_port
from tests.contract.stack_cli_process import KEPT_CACHE_PREFIX, memory_dirs_of, traversable_tmpdir
from tests.kit.faults import TCP_LISTEN, descendants, running, tcp_sockets

pytestmark = pytest.mark.contract

LOOPBACK_HEX = "0100007F"
# Another loopback address (all of 127/8 is loopback on Linux): where a test can ask for a second listener.
SECOND_LOOPBACK = "127.0.0.2"
SECOND_LOOPBACK_HEX = "0200007F"


def listening_addresses(port: int) -> set[str]:
    """The local addresses (kernel hex) of every TCP socket listening on port."""
    return {
        socket.local_address for socket in tcp_sockets() if socket.state == TCP_LISTEN and socket.local_port == port
    }


@pytest.fixture
def moto_process(tmp_path):
    """A started moto process with nothing wired: (process, port it announced); stopped afterwards."""
    with ExitStack() as cleanup:
        log_path = tmp_path / "moto.log"
        process = start_child("phenom_stack.moto_process", ["--port", str(free_port())], os.environ, log_path, cleanup)
        yield (
            process,
            wait_ready(
                process, log_path, "moto", "run `python -m phenom_stack.moto_process --port 0` to see why it fails"
            ),
        )


# The engine's environment of a double with no database behind it.
PROBE_ENGINE_ENVIRONMENT = {
    "PG_DATABASE_URL": "postgresql://postgres@127.0.0.1:9/none",
    "HASURA_GRAPHQL_ADMIN_SECRET": "probe-admin-secret",
    "HASURA_GRAPHQL_JWT_SECRET": '{"type": "RS256", "jwk_url": "http://127.0.0.1:9/jwks.json"}',
}


@pytest.fixture
def double_process(tmp_path):
    """A started engine double with no database behind it yet: (process, port it announced); stopped afterwards."""
    environment = {**PROBE_ENGINE_ENVIRONMENT, "HASURA_GRAPHQL_SERVER_PORT": "0", "PYTHONPATH": str(REPO_ROOT)}
    with ExitStack() as cleanup:
        log_path = tmp_path / "hasura-double.log"
        process = start_child("phenom_stack.double", [], environment, log_path, cleanup)
        yield process, wait_ready(process, log_path, "the engine double", "run `python -m phenom_stack.double`")


@pytest.fixture
def launched_double(tmp_path):
    """A double launched as the stack launches it, before its environment is known; stopped afterwards."""
    double = DoubleProcess(0, None, tmp_path)
    double.launch()
    try:
        yield double
    finally:
        double.stop()


def test_moto_listens_on_loopback_only(moto_process):
    _, port = moto_process
    assert listening_addresses(port) == {LOOPBACK_HEX}


def test_double_listens_on_loopback_only_and_answers(double_process):
    _, port = double_process
    assert listening_addresses(port) == {LOOPBACK_HEX}
    assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).text == "OK"


def test_a_launched_double_serves_once_given_its_environment(launched_double):
    # GIVEN a double launched before its environment was known
    # WHEN the environment arrives
    url = launched_double.start(PROBE_ENGINE_ENVIRONMENT)
    # THEN it serves on loopback with that configuration (the admin secret it was given is the one it checks)
    assert listening_addresses(int(url.rsplit(":", 1)[1])) == {LOOPBACK_HEX}

    def export_with(secret: str) -> int:
        return requests.post(
            f"{url}/v1/metadata",
            json={"type": "export_metadata", "args": {}},
            headers={"x-hasura-admin-secret": secret},
            timeout=5,
        ).status_code

    assert export_with("another-secret") == 401
    assert export_with(PROBE_ENGINE_ENVIRONMENT["HASURA_GRAPHQL_ADMIN_SECRET"]) == 200


def test_a_launched_double_given_an_incomplete_environment_names_what_to_set(launched_double):
    with pytest.raises(StackStartError, match="HASURA_GRAPHQL_ADMIN_SECRET"):
        launched_double.start({"PG_DATABASE_URL": PROBE_ENGINE_ENVIRONMENT["PG_DATABASE_URL"]})


def test_a_launched_double_never_configured_ends_when_stopped(launched_double):
    # GIVEN a double still waiting for its environment (a start that failed before the pool existed)
    # WHEN it is stopped
    launched_double.stop()
    # THEN it has ended by itself as its stdin closed, not killed after lingering
    assert launched_double.process.poll() is not None
    assert launched_double.process.returncode != -signal.SIGKILL


def test_moto_also_listens_where_asked_at_the_same_port(tmp_path):
    # GIVEN moto asked to serve on a second address too, as the docker stack asks it for the bridge's gateway
    with ExitStack() as cleanup:
        log_path = tmp_path / "moto.log"
        arguments = ["--port", str(free_port()), "--also-listen", SECOND_LOOPBACK]
        process = start_child("phenom_stack.moto_process", arguments, os.environ, log_path, cleanup)
        port = wait_ready(process, log_path, "moto", "see moto.log")
        # THEN it listens on both, at one port, and the same moto answers on each
        assert listening_addresses(port) == {LOOPBACK_HEX, SECOND_LOOPBACK_HEX}
        for address in ("127.0.0.1", SECOND_LOOPBACK):
            assert requests.get(f"http://{address}:{port}/moto-api/config", timeout=5).ok


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("served", ["moto_process", "double_process"])
def test_process_exits_zero_on_stop_signal(served, stop_signal, request):
    process, port = request.getfixturevalue(served)
    process.send_signal(stop_signal)
    assert process.wait(timeout=STOP_TIMEOUT_SECONDS) == 0
    assert listening_addresses(port) == set()


def test_double_without_its_configuration_names_what_to_set():
    result = subprocess.run(
        [sys.executable, "-m", "phenom_stack.double"],
        cwd=REPO_ROOT,
        env={"PATH": os.defpath, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=STOP_TIMEOUT_SECONDS * 4,
    )
    assert result.returncode == 2
    assert "HASURA_GRAPHQL_ADMIN_SECRET" in result.stderr


def test_moto_refuses_a_malformed_trigger_wiring():
    result = subprocess.run(
        [sys.executable, "-m", "phenom_stack.moto_process", "--port", str(free_port()), "--trigger", "no-url"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=STOP_TIMEOUT_SECONDS * 4,
    )
    assert result.returncode == 2
    assert "LAMBDA_ARN=INVOKE_URL" in result.stderr


def test_start_failing_half_way_leaves_no_process_and_no_file(monkeypatch):
    # Imported here: the stack module is only needed by the test that starts a stack of its own.
    from phenom_stack import stack

    before = {pid for pid in descendants(os.getpid()) if running(pid)}
    # This process may run a Postgres of its own meanwhile (the engine double's tests do).
    memory_dirs_before = memory_dirs_of(os.getpid())
    started_by_then = set()

    def users_that_fail(*args, **kwargs):
        started_by_then.update(pid for pid in descendants(os.getpid()) if running(pid))
        raise StackStartError("the users cannot be created (probe)")

    with traversable_tmpdir() as tmpdir:
        monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
        # GIVEN a start that fails at the users, once Postgres, moto, the engine and the trigger hosts are up
        monkeypatch.setattr(stack, "confirm_users", users_that_fail)
        with pytest.raises(StackStartError, match="probe"), stack.run_local_stack("hermetic"):
            pass
        # THEN none of the processes it started is left, and neither is any of its files
        assert len(started_by_then - before) >= len(
            ("postgres", "moto", "engine double", "cognito trigger", "cognito sync users")
        )
        assert {pid for pid in descendants(os.getpid()) if running(pid)} - before == set()
        assert [path.name for path in tmpdir.iterdir() if not path.name.startswith(KEPT_CACHE_PREFIX)] == []
        assert memory_dirs_of(os.getpid()) - memory_dirs_before == set()
