"""The stack's moto process (phenom_stack.moto_process) and what a start that fails half-way leaves behind.

moto listens on 127.0.0.1 only, says READY with its port, refuses a malformed trigger wiring, and exits 0 on SIGTERM
or SIGINT; a stack whose start fails after its processes are up stops every one of them and removes its files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import pytest

from phenom_stack.child_process import REPO_ROOT, STOP_TIMEOUT_SECONDS, start_child, wait_ready
from phenom_stack.errors import StackStartError
from phenom_stack.postgres import free_port
from tests.contract.stack_cli_process import descendants, running, traversable_tmpdir

pytestmark = pytest.mark.contract

LOOPBACK_HEX = "0100007F"
TCP_LISTEN = "0A"
# A root run copies the embedded Postgres binaries to a world-readable cache under TMPDIR once per version, on
# purpose, and keeps it for later runs (phenom_stack/postgres.py).
KEPT_CACHE_PREFIX = "phenom-postgres-"


def listening_addresses(port: int) -> set[str]:
    """The local addresses (kernel hex) of every TCP socket listening on port, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, _, state = line.split()[1:4]
            address, _, port_hex = local.partition(":")
            if state == TCP_LISTEN and int(port_hex, 16) == port:
                found.add(address)
    return found


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


def test_moto_listens_on_loopback_only(moto_process):
    _, port = moto_process
    assert listening_addresses(port) == {LOOPBACK_HEX}


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_moto_exits_zero_on_stop_signal(moto_process, stop_signal):
    process, port = moto_process
    process.send_signal(stop_signal)
    assert process.wait(timeout=STOP_TIMEOUT_SECONDS) == 0
    assert listening_addresses(port) == set()


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
    started_by_then = set()

    def users_that_fail(*args, **kwargs):
        started_by_then.update(pid for pid in descendants(os.getpid()) if running(pid))
        raise StackStartError("the users cannot be created (probe)")

    with traversable_tmpdir() as tmpdir:
        monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
        # GIVEN a start that fails at the users, once Postgres, moto, the engine and the trigger hosts are up
        monkeypatch.setattr(stack, "create_users", users_that_fail)
        with pytest.raises(StackStartError, match="probe"), stack.run_local_stack("hermetic"):
            pass
        # THEN none of the processes it started is left, and neither is any of its files
        assert len(started_by_then - before) >= len(("postgres", "moto", "cognito trigger", "cognito sync users"))
        assert {pid for pid in descendants(os.getpid()) if running(pid)} - before == set()
        assert [path.name for path in tmpdir.iterdir() if not path.name.startswith(KEPT_CACHE_PREFIX)] == []
