"""The engine double for the hermetic stack, in a process of its own (`python -m phenom_stack.double`), like moto.

In the stack's process (pytest's, in the suite) the double's request handling would compete with the tests and the
stack for one interpreter lock; in its own process it is a server like the real engine's container, configured the
same way (the graphql container's environment) and stopped with the stack. Its log is `hasura-double.log` in the
stack's log directory.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path

from phenom_stack.child_process import REPO_ROOT, start_child, wait_ready

LOG_NAME = "hasura-double.log"


class DoubleProcess:
    """The engine double on 127.0.0.1:port (0 picks a free one) with the engine's environment."""

    def __init__(self, port: int, environment: Mapping[str, str], log_dir: Path) -> None:
        self.port = port
        self.environment = dict(environment)
        self.log_path = log_dir / LOG_NAME
        self._processes = ExitStack()
        self.process: subprocess.Popen | None = None

    def start(self) -> str:
        """Start the process and return the double's base URL once it listens."""
        environment = {
            **self.environment,
            "HASURA_GRAPHQL_SERVER_PORT": str(self.port),
            # The engine's own environment only, as in its container, plus what the interpreter needs.
            "PATH": os.defpath,
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(REPO_ROOT),
            "PYTHONUNBUFFERED": "1",
        }
        process = self.process = start_child("phenom_stack.double", [], environment, self.log_path, self._processes)
        port = wait_ready(
            process,
            self.log_path,
            f"the engine double on 127.0.0.1:{self.port}",
            "run `python -m phenom_stack.double` with the graphql container's environment to see why it fails "
            "(an import error, or the port was taken meanwhile)",
        )
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL if it lingers)."""
        self._processes.close()
