"""Synchronous actions: the webhook call Hasura makes and how it maps the handler's reply."""

from __future__ import annotations

import json
from typing import Any

import requests

from phenom_stack.double.action_output import project, validate_response
from phenom_stack.double.actions_model import Action, CustomTypes
from phenom_stack.double.collect import Selected, Walk
from phenom_stack.double.errors import UNEXPECTED, HasuraError

ENGINE_USER_AGENT = "hasura-graphql-engine/v2.48.5-ce"
# commonClientHeadersIgnored in Hasura; x-hasura-* headers are dropped as well.
IGNORED_CLIENT_HEADERS = frozenset(
    name.lower()
    for name in (
        "Content-Length",
        "Content-MD5",
        "User-Agent",
        "Host",
        "Origin",
        "Referer",
        "Accept",
        "Accept-Encoding",
        "Accept-Language",
        "Accept-Datetime",
        "Cache-Control",
        "Connection",
        "DNT",
        "Content-Type",
    )
)
# Hop-by-hop framing of the client's own request, which the outgoing request sets for itself.
_FRAMING_HEADERS = frozenset(("transfer-encoding", "keep-alive", "te", "trailer", "upgrade"))


def forwarded_client_headers(client_headers: list[tuple[str, str]]) -> dict[str, str]:
    """The client headers Hasura forwards, plus X-Forwarded-Host / -User-Agent / -Origin."""
    forwarded = {}
    for name, value in client_headers:
        lower = name.lower()
        if lower in IGNORED_CLIENT_HEADERS or lower in _FRAMING_HEADERS or lower.startswith("x-hasura-"):
            continue
        forwarded[name] = value
    originals = {name.lower(): value for name, value in client_headers}
    for source, target in (
        ("host", "X-Forwarded-Host"),
        ("user-agent", "X-Forwarded-User-Agent"),
        ("origin", "X-Forwarded-Origin"),
    ):
        if source in originals:
            forwarded[target] = originals[source]
    return forwarded


def outgoing_headers(action: Action, client_headers: list[tuple[str, str]]) -> dict[str, str]:
    """Configured headers, then Hasura's defaults, then forwarded client headers (later names win)."""
    merged: dict[str, tuple[str, str]] = {}
    defaults = [("Content-Type", "application/json"), ("User-Agent", ENGINE_USER_AGENT)]
    client = list(forwarded_client_headers(client_headers).items()) if action.forward_client_headers else []
    for name, value in list(action.headers) + defaults + client:
        merged[name.lower()] = (name, value)
    return dict(merged.values())


def action_request_body(
    name: str, action_input: dict, session_variables: dict[str, str], request_query: str
) -> dict[str, Any]:
    """The body Hasura POSTs to a synchronous action's handler (facts §1.1)."""
    return {
        "action": {"name": name},
        "input": action_input,
        "session_variables": session_variables,
        "request_query": request_query,
    }


def _internal(error: str, request: dict, response=None, body=None) -> dict:
    internal = {"error": error, "request": request}
    if response is not None:
        headers = [{"name": name, "value": value} for name, value in response.headers.items()]
        internal["response"] = {"status": response.status_code, "body": body, "headers": headers}
    return internal


class ActionCaller:
    """Calls action handlers for one request."""

    def __init__(
        self,
        custom: CustomTypes,
        session: dict[str, str],
        client_headers: list[tuple[str, str]],
        query_text: str,
        relate=None,
    ) -> None:
        self.custom = custom
        # Answers an output type's relationship fields from the database (see action_output.project).
        self.relate = relate
        self.session = session
        self.client_headers = client_headers
        self.query_text = query_text
        self.set_cookies: list[str] = []

    def call(self, walk: Walk, action: Action, selected: Selected, args: dict):
        """The projected result of `action`, or the HasuraError Hasura would answer."""
        payload = action_request_body(action.name, args, self.session, self.query_text)
        if action.transformed:
            raise HasuraError(
                "not-supported", f"the engine double does not apply the request/response transforms of {action.name!r}"
            )
        headers = outgoing_headers(action, self.client_headers)
        # Hasura's internal quotes the metadata's handler text and only the headers the metadata adds.
        listed = dict(action.headers)
        if action.forward_client_headers:
            listed.update(forwarded_client_headers(self.client_headers))
        request = {
            "url": action.handler_template or action.handler,
            "body": payload,
            "headers": [{"name": name, "value": value} for name, value in listed.items()],
            "transformed_request": None,
        }
        try:
            response = requests.post(action.handler, data=json.dumps(payload), headers=headers, timeout=action.timeout)
        except requests.RequestException as error:
            raise HasuraError(
                UNEXPECTED, "http exception when calling webhook", internal=_internal(str(error), request)
            ) from None
        try:
            body = json.loads(response.content)
        except ValueError:
            raise HasuraError(
                UNEXPECTED,
                "not a valid json response from webhook",
                internal=_internal("invalid json", request, response, response.text),
            ) from None
        if 200 <= response.status_code < 300:
            try:
                validate_response(body, action.output_type, self.custom)
            except HasuraError as error:
                if error.internal is None:
                    error.internal = _internal("unexpected response", request, response, body)
                raise
            self.set_cookies += [value for name, value in response.headers.items() if name.lower() == "set-cookie"]
            return project(walk, selected, body, action.output_type, self.custom, self.relate)
        if 400 <= response.status_code < 500:
            error = self._client_error(body, request, response)
            # A mutation whose handler refused answers `"data": null` beside the error, as Hasura does.
            error.data_null = action.operation == "mutation"
            raise error
        raise HasuraError(
            UNEXPECTED,
            "internal error",
            internal=_internal(
                f"expecting 2xx or 4xx status code, but found {response.status_code}", request, response, body
            ),
        )

    @staticmethod
    def _client_error(body, request: dict, response) -> HasuraError:
        if not isinstance(body, dict) or not isinstance(body.get("message"), str):
            return HasuraError(
                "parse-failed",
                "the key 'message' was not present",
                internal=_internal("unexpected response", request, response, body),
            )
        extensions = body.get("extensions")
        if extensions is not None:
            return HasuraError(UNEXPECTED, body["message"], extensions=extensions)
        code = body.get("code") if isinstance(body.get("code"), str) else UNEXPECTED
        return HasuraError(code, body["message"])
