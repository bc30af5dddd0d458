"""Loopback servers for the engine double's contract tests: a JWKS, a scripted action handler, signing keys."""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

HANDLER_REPLY_TIMEOUT_SECONDS = 10
SERVE_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class SigningKey:
    """An RSA key pair published (or not) in the test JWKS under `kid`."""

    kid: str
    private_key: rsa.RSAPrivateKey = field(repr=False)

    def public_jwk(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}


def new_key(kid: str) -> SigningKey:
    """A fresh 2048-bit RSA signing key."""
    return SigningKey(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048))


class LoopbackServer:
    """A ThreadingHTTPServer on 127.0.0.1 in a daemon thread."""

    def __init__(self, handler_class) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(SERVE_POLL_SECONDS,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@dataclass
class RecordedCall:
    """One request the action handler received."""

    headers: dict[str, str]
    body: dict


@dataclass
class ActionHandler:
    """A scripted action handler: replies are queued per test, requests are recorded."""

    url: str = ""
    calls: list[RecordedCall] = field(default_factory=list)
    replies: queue.Queue = field(default_factory=queue.Queue)
    release: threading.Event = field(default_factory=threading.Event)

    def reply(self, status: int, body, content_type: str = "application/json", hold: bool = False) -> None:
        """Queue the next reply; `body` is JSON-encoded unless it is bytes; `hold` waits for `release`."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.replies.put((status, raw, content_type, hold))

    def reset(self) -> None:
        self.calls.clear()
        self.release.clear()
        while not self.replies.empty():
            self.replies.get_nowait()


def action_handler_class(handler: ActionHandler):
    """A request handler class that records calls on `handler` and answers its queued replies."""
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            handler.calls.append(RecordedCall({k.lower(): v for k, v in self.headers.items()}, body))
            status, raw, content_type, hold = handler.replies.get(timeout=HANDLER_REPLY_TIMEOUT_SECONDS)
            if hold:
                handler.release.wait(HANDLER_REPLY_TIMEOUT_SECONDS)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    return Handler


def jwks_handler_class(keys: list[SigningKey]):
    """A request handler class that serves `keys` as a JWKS (no cache headers, like moto's)."""
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            raw = json.dumps({"keys": [key.public_jwk() for key in keys]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    return Handler
