"""The action handler the double forwards actions to in its tests: replies queued per test, calls recorded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.kit.loopback_http import LoopbackServer, Reply

ACTIONS_PATH = "/actions"


@dataclass(frozen=True)
class RecordedCall:
    """One action request the handler received: lower-cased headers and the decoded JSON body."""

    headers: dict[str, str]
    body: dict


class ScriptedActionHandler:
    """Answers POST /actions on a loopback server with the replies queued by the test, in order."""

    def __init__(self, server: LoopbackServer) -> None:
        self._server = server

    @property
    def url(self) -> str:
        return self._server.url + ACTIONS_PATH

    @property
    def calls(self) -> list[RecordedCall]:
        return [RecordedCall(request.headers, request.json()) for request in self._server.requests]

    def reply(self, status: int, body: Any, content_type: str = "application/json", hold: bool = False) -> None:
        """Queue the next reply (bytes and str bodies as they are, others as JSON); `hold` waits for release()."""
        self._server.queue("POST", ACTIONS_PATH, Reply(status, body, content_type, held=hold))

    def release(self) -> None:
        self._server.release()

    def reset(self) -> None:
        self._server.reset()
