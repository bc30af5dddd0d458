"""The Lambda Function URL side (payload 2.0): reading Hasura's action request, writing the reply."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lambdas.action_handler.errors import BadRequest


@dataclass(frozen=True)
class ActionRequest:
    """The parts of Hasura's action request the handler trusts: the action, its input and the client's token."""

    name: str
    input: Mapping[str, Any]
    authorization: str | None = field(repr=False)


def action_request(event: Mapping[str, Any]) -> ActionRequest:
    """The action request in a Function URL event; raises BadRequest when the body is not one.

    The body's session_variables are ignored on purpose: anyone can reach the URL and write them.
    """
    body = _json_body(event)
    action = body.get("action")
    name = action.get("name") if isinstance(action, Mapping) else None
    if not isinstance(name, str) or not name:
        raise BadRequest("body must carry action.name as Hasura sends it")
    action_input = body.get("input", {})
    if not isinstance(action_input, Mapping):
        raise BadRequest("body input must be an object")
    return ActionRequest(name=name, input=action_input, authorization=_header(event, "authorization"))


def json_response(status: int, payload: Any) -> dict[str, Any]:
    """A Function URL reply with a JSON body."""
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(payload)}


def error_response(status: int, code: str, message: str) -> dict[str, Any]:
    """A Hasura action error: Hasura shows `message` and `extensions` to the GraphQL client as they are."""
    return json_response(status, {"message": message, "extensions": {"code": code}})


def _json_body(event: Mapping[str, Any]) -> Mapping[str, Any]:
    raw = event.get("body")
    try:
        if event.get("isBase64Encoded"):
            raw = base64.b64decode(raw, validate=True).decode("utf-8")
        body = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise BadRequest("body must be the JSON of a Hasura action request") from None
    if not isinstance(body, Mapping):
        raise BadRequest("body must be a JSON object")
    return body


def traceparent_of(event: Any) -> str | None:
    """The W3C `traceparent` the caller sent (Hasura forwards the client's headers to the action); None for an event
    that is not even a mapping, which the handler refuses later."""
    return _header(event, "traceparent") if isinstance(event, Mapping) else None


def _header(event: Mapping[str, Any], name: str) -> str | None:
    """A header's value; payload 2.0 lowercases names, but a caller passing its own event may not."""
    headers = event.get("headers")
    if not isinstance(headers, Mapping):
        return None
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name and isinstance(value, str):
            return value
    return None
