"""Start the Lambda hosts (phenom_stack.lambda_host), one process group per function, on ports chosen beforehand."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from lambdas.registry import LambdaFunction
from phenom_stack import names
from phenom_stack.child_process import REPO_ROOT, also_listen_arguments, start_child, wait_ready
from phenom_stack.lambda_invoke import invoke_url
from phenom_stack.moto_server import DUMMY_CREDENTIALS
from phenom_stack.ports import free_port


@dataclass(frozen=True)
class HostedFunction:
    """A function served on loopback: its Invoke API and, when Terraform gives it one, its Function URL."""

    function: LambdaFunction
    port: int
    log_path: Path

    @property
    def name(self) -> str:
        return names.function_name(self.function)

    @property
    def arn(self) -> str:
        """The ARN a real deployment would give the function; the trigger wiring maps it to this host."""
        return names.lambda_arn(self.name)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def invoke_url(self) -> str:
        return invoke_url(self.url, self.name)

    @property
    def function_url(self) -> str:
        return f"{self.url}/"


def plan_lambda_hosts(functions: Iterable[LambdaFunction], log_dir: Path) -> dict[LambdaFunction, HostedFunction]:
    """Where each function will be served: a free loopback port chosen now, so others can be told its URLs
    (the engine its Function URL, moto its Invoke API) before it starts."""
    return {
        function: HostedFunction(function, free_port(), log_dir / f"{names.function_name(function)}.log")
        for function in functions
    }


def runtime_environment(function: LambdaFunction, deployment: Mapping[str, str], aws_endpoint_url: str) -> dict:
    """Exactly what the function sees in AWS: Terraform's variables, the runtime's, and the endpoint override."""
    return {
        **function.environment_values(deployment),
        "AWS_REGION": names.REGION,
        "AWS_DEFAULT_REGION": names.REGION,
        "AWS_ENDPOINT_URL": aws_endpoint_url,
        **DUMMY_CREDENTIALS,
        "AWS_LAMBDA_FUNCTION_NAME": names.function_name(function),
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
    hosts: Iterable[HostedFunction],
    deployment: Mapping[str, str],
    aws_endpoint_url: str,
    also_listen: Sequence[str],
    cleanup: ExitStack,
) -> dict[HostedFunction, subprocess.Popen]:
    """Start the planned hosts (all at once) and return their processes once each listens on its port (and on that
    port of each also_listen address); cleanup stops them. A host whose process died is started again this way."""
    started = {host: _launch(host, deployment, aws_endpoint_url, also_listen, cleanup) for host in hosts}
    for host, process in started.items():
        _wait_ready(host, process)
    return started


def _launch(
    host: HostedFunction,
    deployment: Mapping[str, str],
    aws_endpoint_url: str,
    also_listen: Sequence[str],
    cleanup: ExitStack,
) -> subprocess.Popen:
    function = host.function
    arguments = [
        function.handler,
        "--name",
        host.name,
        "--timeout",
        str(function.timeout_seconds),
        "--memory",
        str(function.memory_mb),
        "--port",
        str(host.port),
        *also_listen_arguments(also_listen),
    ]
    if function.function_url:
        arguments.append("--function-url")
    return start_child(
        "phenom_stack.lambda_host",
        arguments,
        runtime_environment(function, deployment, aws_endpoint_url),
        host.log_path,
        cleanup,
    )


def _wait_ready(host: HostedFunction, process: subprocess.Popen) -> None:
    wait_ready(
        process,
        host.log_path,
        f"Lambda host for {host.name} ({host.function.handler})",
        f"run `python -m phenom_stack.lambda_host {host.function.handler} --name {host.name} "
        f"--port {host.port}` to see the import error (or that the port was taken meanwhile)",
    )
