"""A loopback HTTP server that answers from a script: the fake transport the client's unit tests run against."""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DROP = "drop"  # close the connection without answering, as a failing load balancer would


@dataclass(frozen=True)
class Answer:
    """One scripted answer: status, body and content type."""

    status: int = 200
    body: bytes | str = b""
    content_type: str = "application/json"


@dataclass(frozen=True)
class Received:
    """One request the server got."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ScriptedServer:
    """Answers each (method, path without query) from its queue, in order; unscripted requests get a 599."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    _script: dict[tuple[str, str], deque] = field(default_factory=lambda: defaultdict(deque))

    def script(self, method: str, path: str, *answers: Answer | str) -> None:
        self._script[(method, path)].extend(answers)

    def next_answer(self, method: str, path: str) -> Answer | str:
        queue = self._script[(method, path)]
        return queue.popleft() if queue else Answer(599, b"unscripted request")

    def count(self, method: str, path: str) -> int:
        return sum(1 for request in self.received if request.method == method and request.path == path)


def _handler(server_state: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            server_state.received.append(Received(self.command, path, dict(self.headers), body))
            answer = server_state.next_answer(self.command, path)
            if answer == DROP:
                self.close_connection = True
                self.connection.shutdown(2)
                return
            payload = answer.body.encode() if isinstance(answer.body, str) else answer.body
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_PUT = do_POST = _answer

        def log_message(self, *_: object) -> None:
            return None

    return Handler


class RunningServer:
    """Context manager: the scripted server on 127.0.0.1 with a free port, stopped on exit."""

    def __init__(self) -> None:
        self.state = ScriptedServer()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self._httpd.daemon_threads = True
        self.state.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self.state

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
