"""Reading Hasura's action request out of a Function URL event (payload 2.0) and shaping the replies."""

from __future__ import annotations

import base64
import json

import pytest

from lambdas.action_handler.errors import BadRequest
from lambdas.action_handler.function_url import action_request, error_response, json_response
from tests.kit.events import action_body, function_url_event

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("content_type", "base64_body"),
    [("application/json", False), ("application/octet-stream", True)],
    ids=["plain", "base64"],
)
def test_action_request_from_event(content_type, base64_body):
    event = function_url_event(action_body("getPhenoms", {"limit": 3}), "tok", content_type=content_type)
    assert event["isBase64Encoded"] is base64_body
    request = action_request(event)
    assert (request.name, dict(request.input), request.authorization) == ("getPhenoms", {"limit": 3}, "Bearer tok")


def test_header_names_are_matched_case_insensitively():
    event = function_url_event(action_body("getPhenoms", {}))
    event["headers"]["Authorization"] = "Bearer x"
    assert action_request(event).authorization == "Bearer x"


@pytest.mark.parametrize(
    "headers",
    [{"authorization": 5}, {5: "Bearer x"}, ["authorization", "Bearer x"], None],
    ids=["value-not-string", "name-not-string", "headers-not-object", "no-headers"],
)
def test_an_authorization_header_that_is_not_a_string_reads_as_absent(headers):
    event = {"body": json.dumps(action_body("getPhenoms", {})), "headers": headers}
    assert action_request(event).authorization is None


def test_missing_input_reads_as_empty():
    body = action_body("getPhenoms", {})
    del body["input"]
    assert dict(action_request(function_url_event(body)).input) == {}


def test_authorization_is_kept_out_of_the_repr():
    assert "secret-token" not in repr(action_request(function_url_event(action_body("getPhenoms", {}), "secret-token")))


NOT_JSON = "body must be the JSON of a Hasura action request"
NO_NAME = "body must carry action.name as Hasura sends it"


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"body": None}, NOT_JSON),
        ({"body": "not json"}, NOT_JSON),
        ({"body": "[1, 2]"}, "body must be a JSON object"),
        ({"body": "%%%", "isBase64Encoded": True}, NOT_JSON),
        # Characters outside base64's alphabet are refused, not skipped over to decode what is left.
        (
            {
                "body": "*" + base64.b64encode(json.dumps(action_body("getPhenoms", {})).encode()).decode(),
                "isBase64Encoded": True,
            },
            NOT_JSON,
        ),
        ({"body": base64.b64encode(b"\xff{}").decode(), "isBase64Encoded": True}, NOT_JSON),
        ({"body": json.dumps({"action": {}, "input": {}})}, NO_NAME),
        ({"body": json.dumps({"action": "createPhenom", "input": {}})}, NO_NAME),
        ({"body": json.dumps({"action": {"name": "getPhenoms"}, "input": [1]})}, "body input must be an object"),
    ],
    ids=[
        "no-body",
        "not-json",
        "array",
        "bad-base64",
        "base64-with-junk",
        "base64-not-utf-8",
        "no-name",
        "action-not-object",
        "input-not-object",
    ],
)
def test_malformed_body_is_a_bad_request_saying_what_hasura_sends(event, message):
    with pytest.raises(BadRequest) as refused:
        action_request(event)
    assert (refused.value.status, refused.value.code, refused.value.message) == (400, "bad-request", message)


def test_json_response_shape():
    assert json_response(200, [{"id": 1}]) == {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": '[{"id": 1}]',
    }


def test_error_response_is_hasura_action_error_shape():
    response = error_response(404, "not-found", "phenom x not found")
    assert response["statusCode"] == 404
    assert json.loads(response["body"]) == {"message": "phenom x not found", "extensions": {"code": "not-found"}}
