"""pytest plugin part: under pytest-xdist (`-n`), one local stack for every worker.

The controller makes a folder for the run and hands it to each worker. The first worker that needs the stack takes
the folder's lock and starts `phenom-stack up --json` as a process of its own (a worker may finish while others still
test, so the stack cannot live inside one); the JSON line it prints is the `--stack-file` the other workers attach to,
each once the lock is free. The controller stops that process when the run ends.

Workers share the stack's users, so a test that reads a snapshot of the stores (every row and object before and
after an action, or all of a user's rows against what the API lists) would see another worker's test data arrive or
go, and one that serves the engine other metadata would change the schema under the others' feet. Such a test is
marked `exclusive_stack` (or uses `store_changes`, which always does): it runs, setup to
teardown, while no other worker is inside a test that uses the shared stack; every other such test holds the same
lock shared. Tests that do not use the shared stack (Terraform, checkov, the workflows, stacks of their own) take
no lock, so an exclusive test never waits for them. The exclusive tests are one xdist group (`--dist loadgroup`),
so they run one after another on one worker, which keeps the lock from one to the next: the others wait for the
stores once, not once per exclusive test.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest

from phenom_stack.leftovers import running
from phenom_stack.local_stack import LocalStack

WORKER_INPUT_KEY = "phenom_shared_stack_dir"
READY_TIMEOUT_SECONDS = 180.0
STOP_TIMEOUT_SECONDS = 30.0
EXCLUSIVE_GROUP = "exclusive-stack"
_SHARED_DIR = pytest.StashKey[Path]()
# The stores' lock, taken exclusive for one test and kept for the next one on this worker, also exclusive.
_kept_lock: list[IO] = []


def auto_workers() -> int | None:
    """The workers for `-n auto`: one more than the cores this process may use, as a third of a test's time goes
    on waiting (for the stack's processes, for timeouts a test provokes), which another worker fills; None, to let
    pytest-xdist decide, where PYTEST_XDIST_AUTO_NUM_WORKERS says how many."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores + 1 if cores > 1 else 1


def configure_controller(config: pytest.Config) -> None:
    """On the xdist controller of a run that starts its own stack: the folder the workers share it through."""
    # xdist sets --dist (load for -n) before plugins configure, and registers its controller only after them.
    distributed = config.getoption("dist", "no") != "no" and not config.option.collectonly
    if hasattr(config, "workerinput") or not distributed or config.getoption("--stack-file"):
        return
    shared = Path(tempfile.mkdtemp(prefix="phenom-xdist-stack-"))
    # Traversable: a root run's embedded Postgres works as an unprivileged user under the stack's TMPDIR.
    shared.chmod(0o755)
    config.stash[_SHARED_DIR] = shared


def configure_worker(config: pytest.Config, node) -> None:
    """Hand the shared folder to a worker about to start."""
    shared = config.stash.get(_SHARED_DIR, None)
    if shared is not None:
        node.workerinput[WORKER_INPUT_KEY] = str(shared)


def shared_dir(config: pytest.Config) -> Path | None:
    """On a worker, the folder its stack is shared through; None when this process is not such a worker."""
    value = getattr(config, "workerinput", {}).get(WORKER_INPUT_KEY)
    return Path(value) if value else None


def attach_or_start(shared: Path, kind: str) -> LocalStack:
    """The run's shared stack: attached to when a worker started it, else started now by this worker."""
    description = shared / "stack.json"
    with open(shared / "stack.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _has_line(description):
            _start(shared, kind, description)
    return LocalStack.from_json(description.read_text(encoding="utf-8").strip())


def exclusive(item: pytest.Item) -> bool:
    """Whether the test reads a snapshot of the stores, so no other worker may be inside a test of the stack."""
    return item.get_closest_marker("exclusive_stack") is not None or "store_changes" in item.fixturenames


def group_exclusive_tests(items: list[pytest.Item]) -> None:
    """Make the exclusive tests (that have no group yet) one xdist group, so that they run in a row."""
    for item in items:
        if exclusive(item) and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(EXCLUSIVE_GROUP))


@contextmanager
def stores_held(item: pytest.Item, nextitem: pytest.Item | None, uses_stack: bool) -> Iterator[None]:
    """Around one test under xdist: the stores' lock, exclusive when the test reads a snapshot of the stores (and
    kept for nextitem when it does too); none for a test that does not use the shared stack."""
    shared = shared_dir(item.config)
    if shared is None or not uses_stack:
        yield
        return
    alone = exclusive(item)
    lock = _kept_lock.pop() if _kept_lock else None
    if lock is None:
        # Not a with-block: the lock may be kept for the next test, and is released when the file is closed.
        lock = open(shared / "stores.lock", "w")  # noqa: SIM115
        with open(shared / "stores.gate", "w") as gate:
            # Through the gate one at a time: a test waiting for the stores to itself keeps new tests from starting.
            fcntl.flock(gate, fcntl.LOCK_EX)
            fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
            fcntl.flock(gate, fcntl.LOCK_UN)
    try:
        yield
    finally:
        if alone and nextitem is not None and exclusive(nextitem):
            _kept_lock.append(lock)
        else:
            # Closing the file releases the lock.
            lock.close()


def stop(config: pytest.Config) -> None:
    """On the controller: stop the shared stack, if a worker started one, and remove the folder."""
    shared = config.stash.get(_SHARED_DIR, None)
    if shared is None:
        return
    pid_file = shared / "stack.pid"
    if pid_file.exists():
        _terminate(int(pid_file.read_text()))
    shutil.rmtree(shared, ignore_errors=True)


def _start(shared: Path, kind: str, description: Path) -> None:
    log = shared / "stack.log"
    with open(description, "w") as stdout, open(log, "w") as stderr:
        # A session of its own: the worker's end (or its Ctrl-C) must not reach the stack the others still use.
        process = subprocess.Popen(
            [sys.executable, "-m", "phenom_stack", "up", "--json", "--stack", kind],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
    (shared / "stack.pid").write_text(str(process.pid))
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while not _has_line(description):
        if process.poll() is not None or time.monotonic() > deadline:
            (shared / "stack.pid").unlink(missing_ok=True)
            _terminate(process.pid)
            raise RuntimeError(
                f"the shared local stack did not get ready (exit code {process.poll()}); "
                f"its stderr:\n{log.read_text(errors='replace')[-3000:]}"
            )
        time.sleep(0.05)


def _has_line(path: Path) -> bool:
    return path.exists() and path.read_text(encoding="utf-8").endswith("\n")


def _terminate(pid: int) -> None:
    """SIGTERM (the stack stops its children), and wait for the process to be gone; SIGKILL after the timeout."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            # Reaps it when this process started it.
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            # Started by a worker that has exited: it is init's to reap, which may take seconds (or, as the first
            # process of some containers, forever), so an ended process counts as gone.
            if not running(pid):
                return
        time.sleep(0.05)
    os.killpg(pid, signal.SIGKILL)
