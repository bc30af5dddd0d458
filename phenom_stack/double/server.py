"""HTTP front of the engine double: Hasura's endpoints on a ThreadingHTTPServer."""

from __future__ import annotations

import json
import logging
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


class EngineRequestHandler(BaseHTTPRequestHandler):
    """Routes /v1/graphql, /v1/metadata, /v2/query and the health and version endpoints."""

    protocol_version = "HTTP/1.1"
    # Keep-alive replies are written in two sends (headers, body); with Nagle on, the second waits for the client's
    # delayed ACK, about 40 ms per request.
    disable_nagle_algorithm = True
    server: EngineServer

    def log_message(self, format, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's signature
        LOGGER.debug("%s %s", self.address_string(), format % args)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

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
        body = self._body()
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
            except ValueError:
                raise HasuraError("invalid-json", "Error in $: Failed reading: not a valid json value") from None
            self._send(200, compact(handlers[path](engine, request)))
        except HasuraError as error:
            self._send(error.status, compact(error.api_error()))
        except Exception as error:  # noqa: BLE001 - a bug in the double must still answer, and be logged
            LOGGER.exception("engine double failed on %s", path)
            failure = HasuraError("unexpected", f"internal error in the engine double: {type(error).__name__}")
            self._send(500, compact(failure.api_error()))
