"""The engine double and hostile transport: every malformed request gets a JSON answer, a client that stops sending
is dropped after the read timeout, and held connections cannot make it start a thread each."""

from __future__ import annotations

import json
import socket
from contextlib import ExitStack, closing
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.kit.faults import wait_for

pytestmark = pytest.mark.contract

READ_TIMEOUT_SECONDS = 1
MAX_WORKERS = 4
HELD_CONNECTIONS = 20
NESTING = 1000
HTTP_TIMEOUT_SECONDS = 15


@pytest.fixture(scope="module")
def strict_double(start_double):
    """A double with a short read timeout and few workers: (endpoints, its process)."""
    double, endpoints = start_double(
        {"PHENOM_DOUBLE_READ_TIMEOUT_SECONDS": str(READ_TIMEOUT_SECONDS), "PHENOM_DOUBLE_MAX_WORKERS": str(MAX_WORKERS)}
    )
    try:
        yield endpoints, double.process
    finally:
        double.stop()


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    connection = socket.create_connection((parts.hostname, parts.port), timeout=HTTP_TIMEOUT_SECONDS)
    return connection


def raw_answer(url: str, request: bytes) -> bytes:
    """Everything the double sends back on one connection for request, until it closes the connection."""
    with closing(connect(url)) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


@pytest.mark.parametrize("path", ["/v1/graphql", "/v1/metadata"])
def test_json_nested_a_thousand_levels_gets_a_json_error(strict_double, path):
    endpoints, _ = strict_double
    body = '{"query": "{ __typename }", "variables": {"deep": ' + "[" * NESTING + "]" * NESTING + "}}"
    reply = requests.post(
        f"{endpoints.url}{path}",
        data=body,
        headers={"x-hasura-admin-secret": endpoints.admin_secret},
        timeout=HTTP_TIMEOUT_SECONDS,
    )
    answer = reply.json()
    error = answer["errors"][0]["extensions"] if "errors" in answer else answer
    assert error["code"] == "invalid-json"
    assert reply.status_code == (200 if path == "/v1/graphql" else 400)


def test_a_content_length_that_is_not_a_number_gets_a_400(strict_double):
    endpoints, _ = strict_double
    answer = raw_answer(endpoints.url, b"POST /v1/graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n{}")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert json.loads(body) == {"path": "$", "error": "invalid Content-Length header: 'abc'", "code": "bad-request"}


def test_a_client_that_never_sends_its_body_is_dropped_after_the_read_timeout(strict_double):
    endpoints, _ = strict_double
    # WHEN a client sends headers announcing a body and then nothing
    answer = raw_answer(endpoints.url, b"POST /v1/graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n")
    # THEN the double closes the connection (recv returned before this socket's own timeout) without an answer
    assert answer == b""


def thread_count(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/task").iterdir()))


def test_held_connections_do_not_make_a_thread_each_and_the_double_recovers(strict_double):
    endpoints, process = strict_double
    before = thread_count(process.pid)
    with ExitStack() as held:
        # WHEN many clients each send headers and never the body
        for _ in range(HELD_CONNECTIONS):
            connection = held.enter_context(closing(connect(endpoints.url)))
            connection.sendall(b"POST /v1/graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n")
        # THEN the double runs at most MAX_WORKERS more threads for them
        wait_for(lambda: thread_count(process.pid) > before, 10, "the double taking the held connections")
        assert thread_count(process.pid) <= before + MAX_WORKERS
        # AND once their read timeouts dropped them, it answers again
        healthy = wait_for(
            lambda: requests.get(f"{endpoints.url}/healthz", timeout=HTTP_TIMEOUT_SECONDS).text == "OK",
            HTTP_TIMEOUT_SECONDS,
            "the double answering after the held connections",
        )
        assert healthy
