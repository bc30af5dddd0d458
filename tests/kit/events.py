"""Lambda events as AWS delivers them: Function URL (payload 2.0) and Cognito triggers (V1)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from lambdas.action_handler import handler as action_handler
from phenom_stack.double.actions import ENGINE_USER_AGENT, action_request_body
from phenom_stack.function_url import engine_post_event
from tests.kit.tokens import APP_CLIENT_ID, USER_POOL_ID

DEFAULT_REQUEST_ID = "unit-request-1"


def lambda_context(request_id: str = DEFAULT_REQUEST_ID, seconds_left: float = 30.0) -> SimpleNamespace:
    """The parts of a Lambda context object the handlers read (a 30 s function just invoked, by default)."""
    return SimpleNamespace(
        aws_request_id=request_id,
        function_name="phenom-unit-function",
        get_remaining_time_in_millis=lambda: int(seconds_left * 1000),
    )


def action_body(
    name: str, action_input: dict[str, Any], session_variables: dict[str, str] | None = None
) -> dict[str, Any]:
    """A Hasura action request body, as the engine double builds it (role user unless told)."""
    return action_request_body(
        name, action_input, session_variables or {"x-hasura-role": "user"}, f"mutation {{ {name} }}"
    )


def function_url_event(
    body: dict[str, Any] | str, token: str | None = None, *, content_type: str = "application/json"
) -> dict[str, Any]:
    """The Function URL event of the engine double POSTing `body`, built by the local Lambda host's builder."""
    return engine_post_event(body, token, user_agent=ENGINE_USER_AGENT, content_type=content_type)


def cognito_event(
    trigger_source: str, attributes: dict[str, str], response: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A Cognito user pool trigger event (V1)."""
    return {
        "version": "1",
        "triggerSource": trigger_source,
        "region": "us-east-1",
        "userPoolId": USER_POOL_ID,
        "userName": attributes.get("email", "someone"),
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": APP_CLIENT_ID},
        "request": {"userAttributes": attributes},
        "response": {} if response is None else response,
    }


def reply_of(response: dict[str, Any]) -> tuple[int, Any]:
    """(status, parsed JSON body) of a Function URL reply."""
    assert response["headers"]["content-type"] == "application/json"
    return response["statusCode"], json.loads(response["body"])


def handler_reply(event: Any, request_id: str = DEFAULT_REQUEST_ID) -> tuple[int, Any]:
    """(status, parsed JSON body) of the action handler's reply to `event`, invoked as Lambda would."""
    return reply_of(action_handler.handler(event, lambda_context(request_id)))
