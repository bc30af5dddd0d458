"""`phenom-stack up --json --stack hermetic` as a child process: start it, wait for its JSON line, stop it with SIGTERM.

The JSON line holds the stack's passwords and admin secret, so it is only ever kept in memory or in a 0600 file
inside a private temporary directory, never printed or put on a command line.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from timing import PYTHON, REPO_ROOT, BenchError, last_lines

from phenom_stack.local_stack import LocalStack

STACK_COMMAND = (str(Path(PYTHON).with_name("phenom-stack")), "up", "--json", "--stack", "hermetic")
READY_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 30.0


@dataclass
class StackProcess:
    """A started `phenom-stack up --json`: its process, its JSON description and how long it took to get ready."""

    process: subprocess.Popen
    log_path: Path
    ready_seconds: float
    description: dict[str, Any] = field(repr=False)

    def local_stack(self) -> LocalStack:
        return LocalStack.from_json(json.dumps(self.description))

    def write_description(self, directory: Path) -> Path:
        """The JSON line in a file only this user can read (for children: pytest --stack-file, the scripts)."""
        path = directory / "stack.json"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(self.description, handle)
        return path

    def stop(self) -> float:
        """SIGTERM the stack (it stops its own parts) and wait; the seconds it took to exit."""
        started = time.perf_counter()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise BenchError(
                    f"phenom-stack did not exit within {STOP_TIMEOUT_SECONDS:.0f}s of SIGTERM and was killed; "
                    f"its Lambda hosts may still run. Log:\n{last_lines(self.log_path.read_text(errors='replace'))}"
                ) from None
        return time.perf_counter() - started


def start_stack(log_dir: Path) -> StackProcess:
    """Spawn the stack and wait for its JSON line; BenchError with its log when it exits or times out first."""
    log_path = log_dir / f"phenom-stack-{time.monotonic_ns()}.log"
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            STACK_COMMAND, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log
        )
    line = _first_line(process, started + READY_TIMEOUT_SECONDS)
    ready = time.perf_counter() - started
    if not line:
        process.kill()
        process.wait()
        raise BenchError(
            f"phenom-stack up exited ({process.returncode}) or stayed silent for {READY_TIMEOUT_SECONDS:.0f}s before "
            f"printing its JSON line. Log:\n{last_lines(log_path.read_text(errors='replace'))}\n"
            "Hint: run `.venv/bin/phenom-stack up --stack hermetic` by hand to see why."
        )
    return StackProcess(process, log_path, ready, json.loads(line))


@contextmanager
def running_stack() -> Iterator[tuple[StackProcess, Path]]:
    """A started stack and a private directory holding its description as `stack.json`; stopped on exit."""
    with tempfile.TemporaryDirectory(prefix="phenom-bench-") as directory:
        workdir = Path(directory)
        stack = start_stack(workdir)
        try:
            yield stack, stack.write_description(workdir)
        finally:
            stack.stop()


def _first_line(process: subprocess.Popen, deadline: float) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.perf_counter() < deadline:
            if selector.select(timeout=max(0.0, deadline - time.perf_counter())):
                return process.stdout.readline().decode(errors="replace").strip()
    return ""
