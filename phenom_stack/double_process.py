"""The engine double for the hermetic stack, in a process of its own (`python -m phenom_stack.double`), like moto.

In the stack's process (pytest's, in the suite) the double's request handling would compete with the tests and the
stack for one interpreter lock; in its own process it is a server like the real engine's container, configured the
same way (the graphql container's environment) and stopped with the stack. Its log is `hasura-double.log` in the
stack's log directory.

Loading its modules is most of the double's start, and they do not depend on its configuration: the stack launches
the process first (launch()), before the user pool its JWT configuration names exists, and start() then hands it the
environment on stdin.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path

from phenom_stack.child_process import REPO_ROOT, start_child, wait_ready

LOG_NAME = "hasura-double.log"
MODULE = "phenom_stack.double"


class DoubleProcess:
    """The engine double on 127.0.0.1:port (0 picks a free one) with the engine's environment (given at
    construction, or to start() when the process was launched before it was known)."""

    def __init__(self, port: int, environment: Mapping[str, str] | None, log_dir: Path) -> None:
        self.port = port
        self.environment = dict(environment or {})
        self.log_path = log_dir / LOG_NAME
        self._processes = ExitStack()
        self.process: subprocess.Popen | None = None

    def launch(self) -> None:
        """Start the process before its environment is known: it loads its modules, then waits for the environment
        on stdin (start() sends it)."""
        self.process = start_child(
            MODULE, ["--environment-on-stdin"], self._process_environment(), self.log_path, self._processes, stdin=True
        )

    def start(self, environment: Mapping[str, str] | None = None) -> str:
        """Start the process (or, once launched, send it the environment) and return the double's base URL once it
        listens. environment, when given, is over the one given at construction."""
        self.environment.update(environment or {})
        if self.process is None:
            self.process = start_child(
                MODULE, [], {**self.environment, **self._process_environment()}, self.log_path, self._processes
            )
        else:
            # A process that died meanwhile has closed the pipe: wait_ready reports it, with its log.
            with contextlib.suppress(BrokenPipeError), self.process.stdin:
                self.process.stdin.write(json.dumps(self.environment).encode() + b"\n")
        port = wait_ready(
            self.process,
            self.log_path,
            f"the engine double on 127.0.0.1:{self.port}",
            "run `python -m phenom_stack.double` with the graphql container's environment to see why it fails "
            "(an import error, or the port was taken meanwhile)",
        )
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL if it lingers); one launched and never started ends as its stdin
        closes."""
        if self.process is not None and self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        self._processes.close()

    def _process_environment(self) -> dict[str, str]:
        # The engine's own environment only, as in its container, plus what the interpreter needs.
        return {
            "HASURA_GRAPHQL_SERVER_PORT": str(self.port),
            "PATH": os.defpath,
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(REPO_ROOT),
            "PYTHONUNBUFFERED": "1",
        }
