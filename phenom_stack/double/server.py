"""HTTP front of the engine double: Hasura's endpoints on a ThreadingHTTPServer."""

from __future__ import annotations

import json
import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from phenom_stack.double.encoding import compact
from phenom_stack.double.errors import HasuraError
from phenom_stack.double.metadata_api import handle_metadata
from phenom_stack.double.metadata_commands import handle_command
from phenom_stack.double.run_sql import handle_run_sql

LOGGER = logging.getLogger("phenom_stack.double")
VERSION = {"version": "v2.48.5-ce"}
# /v1alpha1/graphql is the older endpoint Hasura still serves: the same engine, but a request that fails as a
# whole answers 400 instead of 200.
LEGACY_GRAPHQL_PATH = "/v1alpha1/graphql"
GRAPHQL_PATHS = ("/v1/graphql", LEGACY_GRAPHQL_PATH)
# A client that sends nothing for this long (headers but no body, an idle keep-alive) is dropped, as warp's slowloris
# timeout of 30 s drops it in Hasura; the variable (the double's own) lets a test wait less.
READ_TIMEOUT_SECONDS = float(os.environ.get("PHENOM_DOUBLE_READ_TIMEOUT_SECONDS", "30"))
# At most this many connections are served at once; the next wait in the listen backlog, so held connections cannot
# make the double start a thread each.
MAX_WORKERS = int(os.environ.get("PHENOM_DOUBLE_MAX_WORKERS", "64"))


def _bad_request(message: str) -> str:
    return compact({"path": "$", "error": message, "code": "bad-request"})


class EngineServer(ThreadingHTTPServer):
    """The HTTP server; `engine` answers the requests."""

    daemon_threads = True
    allow_reuse_address = True
    # socketserver's listen backlog of 5 overflows when callers (the action handler opens a connection per call)
    # arrive in bursts: the kernel then retries the SYN a second later or resets the connection.
    request_queue_size = 128

    def __init__(self, address, engine) -> None:
        super().__init__(address, EngineRequestHandler)
        self.engine = engine
        self._workers = threading.BoundedSemaphore(MAX_WORKERS)

    def process_request(self, request, client_address) -> None:
        # Blocks the accept loop while every worker is busy (each is freed by its answer or its read timeout).
        self._workers.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._workers.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._workers.release()


class EngineRequestHandler(BaseHTTPRequestHandler):
    """Routes /v1/graphql, /v1/metadata, /v2/query and the health and version endpoints."""

    protocol_version = "HTTP/1.1"
    timeout = READ_TIMEOUT_SECONDS
    # Keep-alive replies are written in two sends (headers, body); with Nagle on, the second waits for the client's
    # delayed ACK, about 40 ms per request.
    disable_nagle_algorithm = True
    server: EngineServer

    def log_message(self, format, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's signature
        LOGGER.debug("%s %s", self.address_string(), format % args)

    def _body(self) -> bytes | None:
        """The request's body; None once a 400 was answered (a Content-Length that is not a length)."""
        declared = self.headers.get("Content-Length") or "0"
        if not declared.isdigit():
            self.close_connection = True
            self._send(400, _bad_request(f"invalid Content-Length header: {declared[:32]!r}"))
            return None
        return self.rfile.read(int(declared))

    def _send(
        self,
        status: int,
        body: str,
        content_type: str = "application/json; charset=utf-8",
        extra_headers: list[tuple[str, str]] = (),
    ) -> None:
        payload = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0]
        if path in ("/healthz", "/hasura/healthz"):
            if self.server.engine.state.inconsistent:
                strict = "strict=true" in self.path
                self._send(500 if strict else 200, "WARN: inconsistent objects in schema", "text/plain")
            else:
                self._send(200, "OK", "text/plain")
        elif path == "/v1/version":
            self._send(200, compact(VERSION))
        else:
            self._send(404, compact({"path": "$", "error": "resource does not exist", "code": "not-found"}))

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0]
        try:
            body = self._body()
        except TimeoutError:
            # The client sent headers and then nothing within the read timeout: drop it, as warp does.
            self.close_connection = True
            return
        if body is None:
            return
        headers = list(self.headers.items())
        engine = self.server.engine
        if path in GRAPHQL_PATHS:
            status, response, cookies = engine.graphql(headers, body, legacy_status=path == LEGACY_GRAPHQL_PATH)
            self._send(status, response, extra_headers=[("Set-Cookie", cookie) for cookie in cookies])
            return
        handlers = {"/v1/metadata": handle_metadata, "/v2/query": handle_run_sql, "/v1/query": handle_command}
        if path not in handlers:
            self._send(404, compact({"path": "$", "error": "resource does not exist", "code": "not-found"}))
            return
        try:
            engine.admin_session(headers)
            try:
                request = json.loads(body or b"null")
            except (ValueError, RecursionError):
                raise HasuraError("invalid-json", "Error in $: Failed reading: not a valid json value") from None
            self._send(200, compact(handlers[path](engine, request)))
        except HasuraError as error:
            self._send(error.status, compact(error.api_error()))
        except Exception as error:  # noqa: BLE001 - a bug in the double must still answer, and be logged
            LOGGER.exception("engine double failed on %s", path)
            failure = HasuraError("unexpected", f"internal error in the engine double: {type(error).__name__}")
            self._send(500, compact(failure.api_error()))
