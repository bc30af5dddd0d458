"""moto's server for the local stack, in a process of its own, with the Cognito triggers wired in this process.

    python -m phenom_stack.moto_process --port N [--trigger LAMBDA_ARN=INVOKE_URL ...] [--also-listen ADDRESS ...]
        [--terraform-gaps]

moto keeps its state in process-wide backends. Here they belong to this process alone: a test's `mock_aws`, which
resets the backends of the process it runs in when it ends, cannot reach them, and moto's request handling does not
compete with the tests for one interpreter lock. Presigned S3 URLs are checked as S3 checks them
(phenom_stack.s3_presign) before moto sees them. Every pool signs with moto's one key, imported once
(phenom_stack.moto_signing_key), and botocore's data, which moto reads anew for each service, is read once
(phenom_stack.botocore_data). The triggers are wired (phenom_stack.cognito_triggers) before the
server takes its first request, and with --terraform-gaps so are the workarounds of phenom_infra.moto_gaps (the
infra fixture's Terraform applies). It serves on 127.0.0.1:N (and on N of each --also-listen address, where a
container reaches the host: phenom_stack.docker_host), prints `READY <port>` on stdout once it answers, and exits
0 on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from contextlib import ExitStack
from functools import partial

import requests
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from phenom_stack.botocore_data import botocore_data_read_once
from phenom_stack.child_process import (
    LOOPBACK,
    add_also_listen_argument,
    bind_servers,
    block_stop_signals,
    serve_until_stopped,
    serving,
)
from phenom_stack.cognito_triggers import cognito_triggers
from phenom_stack.moto_server import DUMMY_CREDENTIALS
from phenom_stack.moto_signing_key import shared_signing_key
from phenom_stack.s3_notifications import s3_notifications
from phenom_stack.s3_presign import PresignCheck

ANSWER_TIMEOUT_SECONDS = 10.0
# moto's own endpoint: it answers without loading any service's backend.
PROBE_PATH = "/moto-api/config"


def trigger_wiring(text: str) -> tuple[str, str]:
    """One --trigger value, LAMBDA_ARN=INVOKE_URL, as (arn, url)."""
    arn, separator, url = text.partition("=")
    if not (separator and arn and url):
        raise argparse.ArgumentTypeError(f"expected LAMBDA_ARN=INVOKE_URL, got {text!r}")
    return arn, url


def wait_until_answers(url: str, timeout: float = ANSWER_TIMEOUT_SECONDS) -> None:
    """Return once GET url answers with a success status; raise RuntimeError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"moto did not answer {url} within {timeout:.0f}s")
        time.sleep(0.02)


def main(argv: list[str] | None = None) -> int:
    block_stop_signals()
    parser = argparse.ArgumentParser(prog="python -m phenom_stack.moto_process", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="port on 127.0.0.1")
    parser.add_argument(
        "--trigger",
        type=trigger_wiring,
        action="append",
        default=[],
        metavar="LAMBDA_ARN=INVOKE_URL",
        help="the local Invoke API URL that serves a Lambda ARN a pool's LambdaConfig names",
    )
    add_also_listen_argument(parser)
    parser.add_argument(
        "--terraform-gaps",
        action="store_true",
        help="work around where moto refuses what AWS accepts from the Terraform (phenom_infra.moto_gaps)",
    )
    args = parser.parse_args(argv)

    # One access-log line per AWS call would bury moto's errors in its log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with ExitStack() as wrappers:
        wrappers.enter_context(botocore_data_read_once())
        wrappers.enter_context(shared_signing_key())
        wrappers.enter_context(cognito_triggers(dict(args.trigger)))
        wrappers.enter_context(s3_notifications(dict(args.trigger)))
        if args.terraform_gaps:
            # Imported only here: the local stack's moto never loads the RDS backend.
            from phenom_infra.moto_gaps import terraform_gaps

            wrappers.enter_context(terraform_gaps())
        servers = bind_servers(
            args.port,
            args.also_listen,
            partial(
                make_server,
                # moto accepts any presigned URL; S3 checks them against the keys the stack's Lambdas sign with.
                app=PresignCheck(
                    DomainDispatcherApplication(create_backend_app),
                    {DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"]: DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]},
                ),
                threaded=True,
                request_handler=MotoRequestHandler,
            ),
        )
        with serving(servers, "moto-server"):
            port = servers[0].server_port
            wait_until_answers(f"http://{LOOPBACK}:{port}{PROBE_PATH}")
            serve_until_stopped(port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
