"""A real HTTP server on 127.0.0.1 in a thread, standing in for Hasura and the Cognito JWKS in unit tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)

    def json(self) -> Any:
        return json.loads(self.body)


Reply = tuple[int, Any]
Responder = Callable[[RecordedRequest], Reply]


class LoopbackServer:
    """Serves registered routes on a free loopback port and records every request."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._routes: dict[tuple[str, str], Responder] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="unit-loopback", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, path: str, responder: Responder) -> None:
        """Answer `method path` with what `responder` returns: (status, JSON-able body or raw bytes)."""
        self._routes[(method, path)] = responder

    def reset(self) -> None:
        """Forget routes and recorded requests."""
        self._routes.clear()
        self.requests.clear()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _answer(self, request: RecordedRequest) -> Reply:
        self.requests.append(request)
        responder = self._routes.get((request.method, request.path))
        if responder is None:
            return 404, {"error": f"no route for {request.method} {request.path}"}
        return responder(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = RecordedRequest(
                    method=method,
                    path=self.path,
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
                status, body = server._answer(request)
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test); nothing left to answer

            def log_message(self, format: str, *args: Any) -> None:
                """Silence the default stderr access log."""

        return Handler
