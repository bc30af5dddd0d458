"""The stack's helper processes (moto, the Lambda hosts): how they are started, announce readiness, and are stopped.

Each runs `python -m <module>` from the repo root in a session (process group) of its own, so stopping it also stops
whatever it spawned, with stderr in a log file. Once it serves, it prints `READY <port>` on stdout (announce_ready)
and from then on writes only to the log; the parent waits for that line (wait_ready) with a deadline. A child that
serves from threads blocks the stop signals first (block_stop_signals) and ends with serve_until_stopped, so SIGTERM
and SIGINT shut it down in order and it exits 0.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Protocol, TypeVar

from phenom_stack.errors import StackStartError

REPO_ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 5.0
READY_PREFIX = "READY "
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
LOOPBACK = "127.0.0.1"
# prctl(2) option: the signal the kernel sends a process when the thread that started it ends (Linux only).
PR_SET_PDEATHSIG = 1
# How often a serving thread checks for shutdown (socketserver's default is 0.5 s): the stack waits for it on stop.
POLL_INTERVAL_SECONDS = 0.05


class Server(Protocol):
    """What a child serves with (werkzeug's servers are socketservers)."""

    server_port: int

    def serve_forever(self, poll_interval: float = ...) -> None: ...

    def shutdown(self) -> None: ...

    def server_close(self) -> None: ...


S = TypeVar("S", bound=Server)


def start_child(
    module: str,
    arguments: list[str],
    environment: Mapping[str, str],
    log_path: Path,
    cleanup: ExitStack,
    *,
    stdin: bool = False,
) -> subprocess.Popen:
    """Run `python -m module arguments` in its own process group, stderr to log_path; cleanup stops the group.
    stdin: give the child a pipe to read from (process.stdin) rather than nothing."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", module, *arguments],
            cwd=REPO_ROOT,
            env=dict(environment),
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            start_new_session=True,
            preexec_fn=die_with_parent(signal.SIGKILL),
        )
    cleanup.callback(stop_process_group, process)
    return process


def die_with_parent(death_signal: int) -> Callable[[], None] | None:
    """A preexec_fn that has the kernel send death_signal to the child when its parent dies, however it dies (a
    SIGKILL of the stack included), so no part outlives the stack; None where prctl(2) does not exist (macOS).

    Linux sends it when the parent *thread* ends: the stack starts its parts from threads that live as long as it."""
    if not sys.platform.startswith("linux"):
        return None
    parent = os.getpid()
    libc = ctypes.CDLL(None, use_errno=True)

    def arm() -> None:
        libc.prctl(PR_SET_PDEATHSIG, death_signal, 0, 0, 0)
        # The parent may have died between fork and prctl: then no signal would ever come.
        if os.getppid() != parent:
            os._exit(1)

    return arm


def wait_ready(
    process: subprocess.Popen, log_path: Path, what: str, hint: str, timeout: float = READY_TIMEOUT_SECONDS
) -> int:
    """The port from the child's READY line; StackStartError (with the log's tail and the hint) if none comes."""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector, process.stdout:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=deadline - time.monotonic()):
                line = process.stdout.readline().decode(errors="replace")
                if line.startswith(READY_PREFIX):
                    return int(line.split()[1])
                if not line:
                    break
    raise StackStartError(
        f"{what} did not get ready within {timeout:.0f}s (exit code {process.poll()}). "
        f"Last log lines:\n{log_tail(log_path)}\nHint: {hint}"
    )


def announce_ready(port: int) -> None:
    """In the child: tell the parent it serves on port, then send anything else printed to stdout to the log."""
    print(f"{READY_PREFIX}{port}", flush=True)
    # The parent closes the readiness pipe after this line; a later print (a handler's, say) goes to the log
    # instead of failing on the closed pipe.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())


def block_stop_signals() -> None:
    """In the child, before any thread starts: every thread inherits the mask, so SIGTERM and SIGINT wait for
    serve_until_stopped instead of killing the process wherever it is."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


def serve_until_stopped(port: int) -> None:
    """In the child, once it serves on port: announce it, then return when SIGTERM or SIGINT arrives."""
    announce_ready(port)
    signal.sigwait(STOP_SIGNALS)


def add_also_listen_argument(parser: argparse.ArgumentParser) -> None:
    """The child's --also-listen ADDRESS (repeatable): where else it serves, at the port it serves on loopback."""
    parser.add_argument(
        "--also-listen",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="a further address of this host to serve on, at the same port as on 127.0.0.1",
    )


def also_listen_arguments(addresses: Iterable[str]) -> list[str]:
    """The --also-listen arguments of a child that must also serve on these addresses."""
    return [argument for address in addresses for argument in ("--also-listen", address)]


def bind_servers(port: int, also_listen: Sequence[str], make_server: Callable[[str, int], S]) -> list[S]:
    """make_server(address, port) on 127.0.0.1:port (0 picks a free port), then on each further address at that same
    port, so a caller's URL differs only in its host (a container's host.docker.internal, phenom_stack.docker_host)."""
    first = make_server(LOOPBACK, port)
    return [first, *(make_server(address, first.server_port) for address in also_listen)]


@contextmanager
def serving(servers: Sequence[Server], name: str) -> Iterator[None]:
    """Serve each server on a thread of its own; on exit shut them all down and close their sockets."""
    threads = [
        threading.Thread(target=server.serve_forever, args=(POLL_INTERVAL_SECONDS,), name=name) for server in servers
    ]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        for server, thread in zip(servers, threads, strict=True):
            server.shutdown()
            thread.join()
            server.server_close()


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM the process's group, SIGKILL it if it lingers, and reap the process."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue
    process.wait()


def log_tail(path: Path, lines: int = 20) -> str:
    """The last lines of a log file, or a note that there is none."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
