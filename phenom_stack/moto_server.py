"""moto in server mode on 127.0.0.1, in a process of its own (phenom_stack.moto_process): Cognito, S3, Secrets
Manager and CloudWatch (where `--phenom-metrics` publishes the canary's metrics) for the local stack.

moto keeps its state in process-wide backends, so in the test process any in-process moto (`mock_aws`) would reset
the stack's pool, bucket and secrets when it ends. In a process of its own the state is the stack's alone, and it
goes away with the process, so every stack starts from nothing.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path

from phenom_stack.child_process import REPO_ROOT, also_listen_arguments, start_child, wait_ready

# Dummy credentials: moto accepts any, and boto3 must find some before it signs a request.
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "phenom-local", "AWS_SECRET_ACCESS_KEY": "phenom-local"}
LOG_NAME = "moto.log"


def moto_url(port: int) -> str:
    """The URL of the moto server on 127.0.0.1:port."""
    return f"http://127.0.0.1:{port}"


def start_moto_server(
    port: int,
    triggers: Mapping[str, str],
    also_listen: Sequence[str],
    log_dir: Path,
    cleanup: ExitStack,
    *,
    settings: Mapping[str, str] | None = None,
    terraform_gaps: bool = False,
) -> subprocess.Popen:
    """Serve moto on 127.0.0.1:port (and at port on each also_listen address) with the Cognito triggers wired
    (Lambda ARN -> local Invoke API URL); return its process once it answers (at moto_url(port)); cleanup stops it.

    settings are MOTO_* variables over the caller's own; terraform_gaps wraps moto where a Terraform apply needs it
    (phenom_infra.moto_gaps)."""
    arguments = ["--port", str(port), *also_listen_arguments(also_listen)]
    for arn, url in triggers.items():
        arguments += ["--trigger", f"{arn}={url}"]
    if terraform_gaps:
        arguments.append("--terraform-gaps")
    log_path = log_dir / LOG_NAME
    # moto reads its settings (MOTO_*) from the environment: a developer's own reach it as they would moto_server.
    environment = {**os.environ, **(settings or {}), "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"}
    process = start_child("phenom_stack.moto_process", arguments, environment, log_path, cleanup)
    wait_ready(
        process,
        log_path,
        f"moto on 127.0.0.1:{port}",
        f"run `python -m phenom_stack.moto_process --port {port}` to see why it fails "
        "(an import error, or the port was taken meanwhile)",
    )
    return process
