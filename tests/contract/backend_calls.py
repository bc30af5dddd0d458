"""The two doors a caller presents a token at: the GraphQL endpoint, and the Function URL as Hasura calls it."""

from __future__ import annotations

import json
from typing import Any

import requests

from phenom_stack.double.actions import ENGINE_USER_AGENT, action_request_body
from tests.contract.sign_in import SignedInUser

HTTP_TIMEOUT_SECONDS = 15


def bearer(token: str) -> str:
    return f"Bearer {token}"


def session_variables_of(sub: str) -> dict[str, str]:
    """What Hasura puts in an action body for a JWT of role user with this sub."""
    return {"x-hasura-role": "user", "x-hasura-user-id": sub}


def post_to_function_url(
    action_url: str,
    action: str,
    arguments: dict[str, Any],
    *,
    authorization: str | None,
    session_variables: dict[str, str],
) -> requests.Response:
    """Call the handler directly, as Hasura does with forward_client_headers: true."""
    return post_raw_to_function_url(
        action_url,
        json.dumps(action_request_body(action, arguments, session_variables, f"{{ {action} }}")),
        authorization,
    )


def post_raw_to_function_url(action_url: str, body: str, authorization: str | None) -> requests.Response:
    headers = {"Content-Type": "application/json", "User-Agent": ENGINE_USER_AGENT}
    if authorization is not None:
        headers["Authorization"] = authorization
    return requests.post(action_url, data=body.encode(), headers=headers, timeout=HTTP_TIMEOUT_SECONDS)


def post_graphql(
    graphql_url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    authorization: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST one document to the GraphQL endpoint and return the decoded reply ({data} or {errors})."""
    sent = dict(headers or {})
    if authorization is not None:
        sent["Authorization"] = authorization
    reply = requests.post(
        graphql_url, json={"query": query, "variables": variables or {}}, headers=sent, timeout=HTTP_TIMEOUT_SECONDS
    )
    # Hasura answers auth and validation errors with a JSON errors array (status 200 or 4xx); only a
    # server failure is not an answer.
    if reply.status_code >= 500:
        raise requests.HTTPError(f"GraphQL endpoint failed with HTTP {reply.status_code}", response=reply)
    return reply.json()


def error_codes(reply: dict[str, Any]) -> list[str]:
    """The extensions.code of every error in a GraphQL reply."""
    return [error.get("extensions", {}).get("code") for error in reply.get("errors", [])]


def call_action_as(action_url: str, user: SignedInUser, action: str, arguments: dict[str, Any]) -> requests.Response:
    """The action called as the engine calls it for `user`: their genuine token and session variables."""
    return post_to_function_url(
        action_url,
        action,
        arguments,
        authorization=bearer(user.id_token),
        session_variables=session_variables_of(user.sub),
    )


def create_phenom_as(action_url: str, user: SignedInUser, filenames: list[str]) -> dict[str, Any]:
    """createPhenom of an image sighting for `user`; the CreatePhenomOutput (raises on any refusal)."""
    arguments = {"input": {"lat": 51.5, "lng": -0.125, "filenames": filenames, "media_type": "image"}}
    reply = call_action_as(action_url, user, "createPhenom", arguments)
    reply.raise_for_status()
    return reply.json()
