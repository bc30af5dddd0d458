"""The engine double forwards synchronous actions like Hasura: request, headers, and the mapping of every reply."""

from __future__ import annotations

import copy

import pytest

from phenom_stack.double.actions import ENGINE_USER_AGENT
from phenom_stack.hasura_project import replace_metadata_body

pytestmark = pytest.mark.contract

USER_ID = "7f3c1a52-0000-4000-8000-000000000001"
CREATE = """
mutation Create($input: CreatePhenomInput!) {
  createPhenom(input: $input) { id: phenomId uploads { key __typename } __typename }
}
"""
CREATE_INPUT = {"lat": 12.5, "lng": -8.25, "filenames": ["a b.jpg"], "media_type": "image"}
CREATED = {
    "phenomId": "0b0e6f8e-1b8e-4f54-9d71-3c9f0b8a2a11",
    "uploads": [{"filename": "a b.jpg", "key": "media/x/0_x_a_b.jpg", "uploadUrl": "http://s3/put"}],
    "ignored": "extra fields are dropped",
}


def _error(result: dict) -> dict:
    # A mutation whose handler refused carries `"data": null` (Hasura's upstream case create_users_fail).
    assert result.get("data") is None, result
    [error] = result["errors"]
    return error


@pytest.fixture
def user_headers(mint_token) -> dict[str, str]:
    """A signed-in user's request headers, with headers Hasura must and must not forward."""
    return {
        "Authorization": f"Bearer {mint_token(USER_ID)}",
        "X-Client-Trace": "trace-1",
        "Cookie": "c=1",
        "Origin": "https://app.example",
        "Referer": "https://app.example/x",
        "Accept-Language": "de",
        "x-hasura-role": "user",
        "X-Hasura-Custom": "never forwarded",
    }


def test_request_body_is_hasuras_payload(hasura_double, action_handler, user_headers):
    action_handler.reply(200, CREATED)
    hasura_double.graphql(CREATE, {"input": CREATE_INPUT}, headers=user_headers)
    [call] = action_handler.calls
    assert call.body == {
        "action": {"name": "createPhenom"},
        "input": {"input": CREATE_INPUT},
        "session_variables": {"x-hasura-user-id": USER_ID, "x-hasura-role": "user"},
        "request_query": CREATE,
    }


def test_headers_are_forwarded_like_hasura(hasura_double, action_handler, user_headers):
    action_handler.reply(200, CREATED)
    hasura_double.graphql(CREATE, {"input": CREATE_INPUT}, headers=user_headers)
    headers = action_handler.calls[0].headers
    # Hasura's own headers, and the client's minus the ignore list and x-hasura-*
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == ENGINE_USER_AGENT
    assert headers["authorization"] == user_headers["Authorization"]
    assert (headers["x-client-trace"], headers["cookie"]) == ("trace-1", "c=1")
    assert headers["x-forwarded-host"].startswith("127.0.0.1:")
    assert headers["x-forwarded-user-agent"].startswith("python-requests/")
    assert headers["x-forwarded-origin"] == "https://app.example"
    assert not {"referer", "accept-language", "x-hasura-role", "x-hasura-custom", "origin"} & set(headers)


def test_success_is_projected_onto_the_selection(hasura_double, action_handler, user_headers):
    action_handler.reply(200, CREATED)
    result = hasura_double.graphql(CREATE, {"input": CREATE_INPUT}, headers=user_headers)
    assert result == {
        "data": {
            "createPhenom": {
                "id": CREATED["phenomId"],
                "uploads": [{"key": "media/x/0_x_a_b.jpg", "__typename": "PhenomUpload"}],
                "__typename": "CreatePhenomOutput",
            }
        }
    }


def test_list_output_and_query_action(hasura_double, action_handler, user_headers):
    action_handler.reply(
        200,
        [{"id": "p1", "lat": 1, "lng": 2, "media_type": "image", "created_at": "t", "signed_uri": None, "media": []}],
    )
    result = hasura_double.graphql("{ getPhenoms(limit: 5) { id signed_uri media { key } } }", headers=user_headers)
    assert result == {"data": {"getPhenoms": [{"id": "p1", "signed_uri": None, "media": []}]}}
    assert action_handler.calls[0].body["input"] == {"limit": 5}


def test_client_error_with_extensions_is_passed_verbatim(hasura_double, action_handler, user_headers):
    action_handler.reply(
        400, {"message": "lat is out of range", "extensions": {"code": "validation-failed", "field": "lat"}}
    )
    error = _error(hasura_double.graphql(CREATE, {"input": CREATE_INPUT}, headers=user_headers))
    assert error == {"message": "lat is out of range", "extensions": {"code": "validation-failed", "field": "lat"}}


@pytest.mark.parametrize(
    ("reply", "code"), [({"message": "gone", "code": "not-found"}, "not-found"), ({"message": "gone"}, "unexpected")]
)
def test_client_error_without_extensions_gets_path_and_code(hasura_double, action_handler, user_headers, reply, code):
    action_handler.reply(404, reply)
    error = _error(hasura_double.graphql(CREATE, {"input": CREATE_INPUT}, headers=user_headers))
    assert error == {"message": "gone", "extensions": {"path": "$", "code": code}}


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (500, {"message": "boom"}, "internal error"),
        (502, b"Internal Server Error", "not a valid json response from webhook"),
        (200, b"<html>", "not a valid json response from webhook"),
        (200, None, "got null for the action webhook response"),
        (200, {"uploads": []}, 'field "phenomId" expected in webhook response, but not found'),
        (200, {"phenomId": None, "uploads": []}, 'expecting not null value for field "phenomId"'),
        (200, [CREATED], "got array for the action webhook response, expecting CreatePhenomOutput"),
    ],
)
def test_unusable_replies_become_unexpected(hasura_double, action_handler, user_headers, status, body, message):
    action_handler.reply(status, body, content_type="text/html" if isinstance(body, bytes) else "application/json")
    error = _error(hasura_double.graphql(CREATE, {"input": CREATE_INPUT}, headers=user_headers))
    assert error == {"message": message, "extensions": {"path": "$", "code": "unexpected"}}


def test_object_for_a_list_output_is_refused(hasura_double, action_handler, user_headers):
    action_handler.reply(200, {"id": "p1"})
    error = _error(hasura_double.graphql("{ getPhenoms { id } }", headers=user_headers))
    assert error["message"] == "expecting array for the action webhook response"


def test_admin_sees_internal_details(hasura_double, action_handler):
    action_handler.reply(503, {"message": "down"})
    error = _error(hasura_double.graphql(CREATE, {"input": CREATE_INPUT}))
    assert error["message"] == "internal error"
    assert error["extensions"]["internal"]["response"]["status"] == 503


def test_role_without_permission_does_not_see_the_action(hasura_double):
    result = hasura_double.graphql("{ getPhenoms { id } }", headers=hasura_double.as_user(USER_ID, role="nobody"))
    assert _error(result)["message"] == "field 'getPhenoms' not found in type: 'query_root'"


def test_unreachable_handler_is_an_http_exception(start_double, hasura_double, project_metadata):
    double, endpoints = start_double({"HASURA_ACTION_PHENOM_URL": "http://127.0.0.1:9/closed"})
    try:
        endpoints.post(endpoints.metadata_url, replace_metadata_body(project_metadata))
        error = _error(endpoints.graphql("{ getPhenoms { id } }", headers=endpoints.as_user(USER_ID)))
        assert error == {
            "message": "http exception when calling webhook",
            "extensions": {"path": "$", "code": "unexpected"},
        }
    finally:
        double.stop()


def test_handler_slower_than_the_timeout_is_an_http_exception(
    start_double, hasura_double, project_metadata, action_handler
):
    # GIVEN an action with a one-second timeout and a handler that holds its reply
    metadata = copy.deepcopy(project_metadata)
    next(a for a in metadata["actions"] if a["name"] == "getPhenoms")["definition"]["timeout"] = 1
    double, endpoints = start_double()
    try:
        endpoints.post(endpoints.metadata_url, replace_metadata_body(metadata))
        action_handler.reply(200, [], hold=True)
        # WHEN the action is called  THEN Hasura's timeout error comes back
        error = _error(endpoints.graphql("{ getPhenoms { id } }", headers=endpoints.as_user(USER_ID)))
        assert error["message"] == "http exception when calling webhook"
    finally:
        action_handler.release()
        double.stop()


def test_configured_headers_are_sent(start_double, hasura_double, project_metadata, action_handler):
    metadata = copy.deepcopy(project_metadata)
    definition = next(a for a in metadata["actions"] if a["name"] == "getPhenoms")["definition"]
    definition["headers"] = [
        {"name": "X-Action-Secret", "value_from_env": "ACTION_SECRET"},
        {"name": "X-Static", "value": "static"},
    ]
    double, endpoints = start_double({"ACTION_SECRET": "from-env"})
    try:
        endpoints.post(endpoints.metadata_url, replace_metadata_body(metadata))
        action_handler.reply(200, [])
        endpoints.graphql("{ getPhenoms { id } }", headers=endpoints.as_user(USER_ID))
        headers = action_handler.calls[0].headers
        assert (headers["x-action-secret"], headers["x-static"]) == ("from-env", "static")
    finally:
        double.stop()
