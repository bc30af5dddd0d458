"""Start the Lambda hosts (tests.stack.lambda_host), one process group per function, and stop them."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from tests.stack import names
from tests.stack.errors import StackStartError
from tests.stack.lambda_functions import LambdaFunction
from tests.stack.lambda_invoke import invoke_url
from tests.stack.moto_server import DUMMY_CREDENTIALS

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class HostedFunction:
    """A function served on loopback: its Invoke API and, when Terraform gives it one, its Function URL."""

    function: LambdaFunction
    url: str
    log_path: Path

    @property
    def invoke_url(self) -> str:
        return invoke_url(self.url, self.function.name)

    @property
    def function_url(self) -> str:
        return f"{self.url}/"


def runtime_environment(function: LambdaFunction, deployment: Mapping[str, str], aws_endpoint_url: str) -> dict:
    """Exactly what the function sees in AWS: Terraform's variables, the runtime's, and the endpoint override."""
    return {
        **function.environment(deployment),
        "AWS_REGION": names.REGION,
        "AWS_DEFAULT_REGION": names.REGION,
        "AWS_ENDPOINT_URL": aws_endpoint_url,
        **DUMMY_CREDENTIALS,
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        # A Lambda has no AWS config files; the developer's own (profiles, endpoints) must not leak in.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "PATH": os.defpath,
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONPATH": str(REPO_ROOT),
        "PYTHONUNBUFFERED": "1",
    }


def start_lambda_hosts(
    functions: tuple[LambdaFunction, ...],
    deployment: Mapping[str, str],
    aws_endpoint_url: str,
    log_dir: Path,
    cleanup: ExitStack,
) -> dict[str, HostedFunction]:
    """Start one host per function (all at once), wait until each listens; cleanup stops them."""
    started = []
    for function in functions:
        log_path = log_dir / f"{function.name}.log"
        with open(log_path, "wb") as log:
            command = [sys.executable, "-m", "tests.stack.lambda_host", function.handler, "--name", function.name,
                       "--timeout", str(function.timeout_seconds), "--memory", str(function.memory_mb)]
            if function.function_url:
                command.append("--function-url")
            process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=runtime_environment(function, deployment, aws_endpoint_url),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, start_new_session=True,
            )
        cleanup.callback(stop_process_group, process)
        started.append((function, process, log_path))
    return {
        function.name: HostedFunction(function, f"http://127.0.0.1:{_wait_ready(function, process, log_path)}",
                                      log_path)
        for function, process, log_path in started
    }


def _wait_ready(function: LambdaFunction, process: subprocess.Popen, log_path: Path) -> int:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    with selectors.DefaultSelector() as selector, process.stdout:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=deadline - time.monotonic()):
                line = process.stdout.readline().decode(errors="replace")
                if line.startswith("READY "):
                    return int(line.split()[1])
                if not line:
                    break
    raise StackStartError(
        f"Lambda host for {function.name} ({function.handler}) did not get ready within "
        f"{READY_TIMEOUT_SECONDS:.0f}s (exit code {process.poll()}). Last log lines:\n{tail(log_path)}\n"
        "Hint: run `python -m tests.stack.lambda_host "
        f"{function.handler} --name {function.name}` to see the import error."
    )


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


def tail(path: Path, lines: int = 20) -> str:
    """The last lines of a log file, or a note that there is none."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
