"""moto in server mode on 127.0.0.1: Cognito, S3 and Secrets Manager for the local stack."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import requests

# Dummy credentials: moto accepts any, and boto3 must find some before it signs a request.
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "phenom-local", "AWS_SECRET_ACCESS_KEY": "phenom-local"}


@contextmanager
def moto_server() -> Iterator[str]:
    """Serve moto on a free loopback port; yield its URL; on exit drop every resource and stop.

    moto keeps its state in process-wide backends, so the reset on exit is what lets a later stack in the
    same process start from nothing.
    """
    from moto.server import ThreadedMotoServer

    werkzeug_logger = logging.getLogger("werkzeug")
    previous_level = werkzeug_logger.level
    # One access-log line per AWS call would drown the stack's own output.
    werkzeug_logger.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        yield url
    finally:
        try:
            requests.post(f"{url}/moto-api/reset", timeout=10)
        finally:
            server.stop()
            werkzeug_logger.setLevel(previous_level)
