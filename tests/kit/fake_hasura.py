"""A stand-in for Hasura's admin GraphQL endpoint: canned answers per operation name, every call recorded."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tests.kit.loopback_http import LoopbackServer, RecordedRequest, Reply

GRAPHQL_PATH = "/v1/graphql"
_OPERATION = re.compile(r"\b(?:query|mutation)\s+(\w+)")

StatusAndBody = tuple[int, Any]
Answer = Mapping[str, Any] | Callable[[Mapping[str, Any]], StatusAndBody]


@dataclass(frozen=True)
class GraphQLCall:
    """One document Hasura received."""

    operation: str
    query: str
    variables: dict[str, Any]
    admin_secret: str | None


def operation_name(query: str) -> str:
    """The name of the document's operation (comments ignored)."""
    match = _OPERATION.search(re.sub(r"#.*", "", query))
    return match.group(1) if match else ""


def graphql_error(code: str, message: str) -> Callable[[Mapping[str, Any]], StatusAndBody]:
    """An answer that is a Hasura-shaped GraphQL error (HTTP 200 with errors)."""
    return lambda variables: (200, {"errors": [{"message": message, "extensions": {"path": "$", "code": code}}]})


class FakeHasura:
    """Answers POST /v1/graphql; an operation with no answer gets validation-failed, as an unknown field would."""

    def __init__(self, server: LoopbackServer) -> None:
        self._server = server
        self._answers: dict[str, Answer] = {}
        self._holding: set[str] = set()
        server.route("POST", GRAPHQL_PATH, self._reply)

    @property
    def url(self) -> str:
        return self._server.url + GRAPHQL_PATH

    @property
    def calls(self) -> list[GraphQLCall]:
        return [self._call(request) for request in self._server.requests if request.path == GRAPHQL_PATH]

    def operations(self) -> list[str]:
        return [call.operation for call in self.calls]

    def answer(self, operation: str, answer: Answer) -> None:
        """Reply to `operation` with `answer`: the `data` object, or a function of the variables giving (status, body)."""
        self._answers[operation] = answer

    def hold(self, operation: str) -> None:
        """Keep requests for `operation` waiting until release() (at most the server's hold limit)."""
        self._holding.add(operation)

    def release(self) -> None:
        self._server.release()

    def _reply(self, request: RecordedRequest) -> Reply:
        call = self._call(request)
        answer = self._answers.get(call.operation)
        if answer is None:
            status, body = graphql_error("validation-failed", f"no canned answer for {call.operation!r}")(
                call.variables
            )
        elif callable(answer):
            status, body = answer(call.variables)
        else:
            status, body = 200, {"data": dict(answer)}
        return Reply(status, body, held=call.operation in self._holding)

    @staticmethod
    def _call(request: RecordedRequest) -> GraphQLCall:
        document = request.json()
        return GraphQLCall(
            operation=operation_name(document["query"]),
            query=document["query"],
            variables=document.get("variables") or {},
            admin_secret=request.headers.get("x-hasura-admin-secret"),
        )
