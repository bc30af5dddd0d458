"""A real HTTP server on 127.0.0.1 in a thread, standing in for whatever a test's code under test calls: it
records every request and answers from replies queued per route, then from per-route responders."""

from __future__ import annotations

import json
import socket
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOLD_LIMIT_SECONDS = 10.0
SERVE_POLL_SECONDS = 0.02
STOP_LIMIT_SECONDS = 5.0


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received; header names lower-cased, the path without its query string."""

    method: str
    path: str
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """One answer: bytes and str bodies are sent as they are, anything else as JSON.

    `held` keeps the answer back until the server's release() (at most HOLD_LIMIT_SECONDS); `dropped` closes
    the connection without answering, as a failing load balancer would.
    """

    status: int = 200
    body: Any = b""
    content_type: str = "application/json"
    held: bool = False
    dropped: bool = False

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


DROP = Reply(dropped=True)

Responder = Callable[[RecordedRequest], Reply]
Route = tuple[str, str]


class LoopbackServer:
    """Serves on a free loopback port until close(); usable as a context manager that closes on exit."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._queued: dict[Route, deque[Reply]] = defaultdict(deque)
        self._routes: dict[Route, Responder] = {}
        self._released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(SERVE_POLL_SECONDS,), name="loopback-http", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, path: str, responder: Responder) -> None:
        """Answer every `method path` with what `responder` makes of the request (once no queued reply is left)."""
        self._routes[(method, path)] = responder

    def queue(self, method: str, path: str, *replies: Reply) -> None:
        """Answer the next requests for `method path` with `replies`, one each, in order."""
        self._queued[(method, path)].extend(replies)

    def count(self, method: str, path: str) -> int:
        """How many `method path` requests arrived so far."""
        return sum(1 for request in self.requests if (request.method, request.path) == (method, path))

    def release(self) -> None:
        """Send every held reply, and the ones held from now on at once, until reset()."""
        self._released.set()

    def reset(self) -> None:
        """Forget routes, queued replies and recorded requests, and hold held replies again."""
        self._routes.clear()
        self._queued.clear()
        self.requests.clear()
        self._released.clear()

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=STOP_LIMIT_SECONDS)

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _answer(self, request: RecordedRequest) -> Reply:
        self.requests.append(request)
        route = (request.method, request.path)
        queued = self._queued.get(route)
        if queued:
            return queued.popleft()
        responder = self._routes.get(route)
        if responder is None:
            return Reply(404, {"error": f"nothing queued or routed for {request.method} {request.path}"})
        return responder(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = RecordedRequest(
                    method=self.command,
                    path=self.path.split("?", 1)[0],
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
                reply = server._answer(request)
                if reply.held:
                    server._released.wait(HOLD_LIMIT_SECONDS)
                if reply.dropped:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                payload = reply.payload()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test); nothing left to answer

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                """Silence the default stderr access log."""

        return Handler
