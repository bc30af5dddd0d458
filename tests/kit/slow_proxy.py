"""A loopback reverse proxy in front of one real endpoint of the local stack, which makes chosen requests slow or
drops their connection: the fault is in the path between the client and the service, the client is untouched."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import requests

from tests.kit.loopback_http import DROP, LoopbackServer, RecordedRequest, Reply

FORWARD_TIMEOUT_SECONDS = 30.0
# Hop-by-hop and framing headers: requests sets its own for the forwarded request.
_NOT_FORWARDED = frozenset({"host", "content-length", "connection", "accept-encoding"})


@dataclass
class Fault:
    """What happens to requests whose body contains `matching`: held `delay_seconds` before they are forwarded, and
    the first `drops` of them get their connection closed without an answer."""

    matching: bytes = b""
    delay_seconds: float = 0.0
    drops: int = 0


class SlowProxy:
    """Forwards POST `path` on a loopback port to `upstream` (same path), applying `fault`."""

    def __init__(self, upstream: str, path: str, fault: Fault) -> None:
        self.fault = fault
        self.dropped = 0
        self._upstream = upstream
        self._lock = threading.Lock()
        self._never_set = threading.Event()
        self._session = requests.Session()
        self._server = LoopbackServer()
        self._server.route("POST", path, self._forward)
        self.url = f"{self._server.url}{path}"

    def __enter__(self) -> SlowProxy:
        return self

    def __exit__(self, *_: object) -> None:
        self._server.close()
        self._session.close()

    def _forward(self, request: RecordedRequest) -> Reply:
        if self.fault.matching in request.body:
            with self._lock:
                drop = self.dropped < self.fault.drops
                self.dropped += drop
            if drop:
                return DROP
            # The injected latency itself: nothing is waited for, the request is just held this long.
            self._never_set.wait(self.fault.delay_seconds)
        headers = {name: value for name, value in request.headers.items() if name not in _NOT_FORWARDED}
        answer = self._session.post(self._upstream, data=request.body, headers=headers, timeout=FORWARD_TIMEOUT_SECONDS)
        return Reply(answer.status_code, answer.content, answer.headers.get("content-type", "application/json"))
