"""The action handler's contract with Hasura: 4xx action errors for every refusal, never a 5xx, clean logs."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

import pytest

from lambdas.action_handler import handler as action_handler
from lambdas.action_handler.services import ActionServices
from lambdas.action_handler.storage import MediaStorage
from lambdas.action_handler.time_budget import CALL_SETTINGS, SLOWEST_CALL_SECONDS
from lambdas.registry import ACTION_HANDLER
from lambdas.shared.aws import aws_client
from tests.kit.events import action_body, function_url_event, handler_reply, lambda_context, reply_of
from tests.kit.fake_hasura import graphql_error
from tests.kit.fixture_values import ADMIN_SECRET

pytestmark = pytest.mark.unit

REQUEST_ID = "unit-request-42"
CREATE_INPUT = {"input": {"lat": 1.0, "lng": 2.0, "filenames": ["a.jpg"], "media_type": "video"}}


def _call(event):
    return handler_reply(event, REQUEST_ID)


def test_unknown_action_is_not_supported(action_services, id_token):
    status, error = _call(function_url_event(action_body("launchRocket", {}), id_token.token))
    assert (status, error["extensions"]["code"]) == (400, "not-supported")
    assert error["message"] == (
        "action 'launchRocket' is not served by this handler; expected one of createPhenom, getPhenoms, deletePhenom"
    )


def test_a_started_action_is_logged_with_its_name_and_caller(action_services, fake_hasura, id_token, log_lines):
    fake_hasura.answer("GetPhenoms", {"phenoms": []})
    assert _call(function_url_event(action_body("getPhenoms", {}), id_token.token)) == (200, [])
    started = json.loads(log_lines[0])
    assert (started["message"], started["action"], started["caller"]) == ("action started", "getPhenoms", id_token.sub)


def test_token_is_checked_before_the_action_name(action_services):
    status, error = _call(function_url_event(action_body("launchRocket", {})))
    assert (status, error["extensions"]["code"]) == (401, "invalid-jwt")


def test_malformed_body_is_a_bad_request(action_services, id_token):
    status, error = _call(function_url_event("{not json", id_token.token))
    assert (status, error["extensions"]["code"]) == (400, "bad-request")


@pytest.mark.parametrize(
    "event",
    [
        None,
        {},
        {"body": 12},
        {"headers": "x", "body": "{}"},
        {"body": json.dumps({"action": {"name": "getPhenoms"}}), "headers": {"authorization": 5}},
    ],
    ids=["none", "empty", "numeric-body", "headers-not-object", "authorization-not-string"],
)
def test_junk_events_get_a_4xx(action_services, event):
    status, error = handler_reply(event)
    assert 400 <= status < 500
    assert {"message", "extensions"} <= error.keys()


def test_exception_becomes_400_unexpected_with_the_request_id(
    action_services, fake_hasura, id_token, monkeypatch, log_lines
):
    # GIVEN signing fails with an error nobody anticipated
    def explode(storage, key):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(MediaStorage, "upload_url", explode)
    # WHEN createPhenom runs
    status, error = _call(function_url_event(action_body("createPhenom", CREATE_INPUT), id_token.token))
    # THEN Hasura gets a 400 it can show, naming the request id, and the log has the traceback under that id
    assert (status, error) == (
        400,
        {"message": f"action handler failed (request id {REQUEST_ID})", "extensions": {"code": "unexpected"}},
    )
    failure = json.loads(log_lines[-1])
    assert (failure["level"], failure["message"], failure["request_id"]) == (
        "ERROR",
        "action handler failed",
        REQUEST_ID,
    )
    assert "disk on fire" in failure["exception"]


def test_hasura_error_becomes_400_unexpected(action_services, fake_hasura, id_token):
    fake_hasura.answer("CreatePhenom", graphql_error("constraint-violation", "Uniqueness violation."))
    status, error = _call(function_url_event(action_body("createPhenom", CREATE_INPUT), id_token.token))
    assert (status, error["extensions"]["code"]) == (400, "unexpected")


def test_unreachable_hasura_is_named_as_the_unavailable_dependency(
    action_config, s3, app_secret, id_token, monkeypatch, log_lines
):
    unreachable = ActionServices(dataclasses.replace(action_config, graphql_url="http://127.0.0.1:9/v1/graphql"))
    monkeypatch.setattr(action_handler, "action_services", lambda: unreachable)
    status, error = _call(function_url_event(action_body("getPhenoms", {}), id_token.token))
    assert (status, error["extensions"]["code"]) == (400, "dependency-unavailable")
    assert error["message"] == (f"the GraphQL engine could not be reached (request id {REQUEST_ID}); try again later")
    assert "127.0.0.1" not in error["message"]
    # AND the log line, under the same request id, keeps the address for the operator
    logged = json.loads(log_lines[-1])
    assert (logged["level"], logged["message"], logged["reason"], logged["request_id"]) == (
        "WARNING",
        "dependency unavailable",
        "the GraphQL engine could not be reached",
        REQUEST_ID,
    )
    assert "127.0.0.1:9" in logged["cause"]


def test_an_unreachable_secrets_manager_is_named_as_the_unavailable_dependency(
    action_services, id_token, unanswered_calls
):
    # GIVEN Secrets Manager refuses every connection
    attempts = unanswered_calls(aws_client("secretsmanager", CALL_SETTINGS))
    # WHEN an action needs the admin secret  THEN the answer names the secret's store and the most it waits
    status, error = _call(function_url_event(action_body("getPhenoms", {}), id_token.token))
    assert (status, error["extensions"]["code"]) == (400, "dependency-unavailable")
    assert error["message"] == (
        f"Secrets Manager (the app secret) did not answer within 4 s (request id {REQUEST_ID}); try again later"
    )
    assert len(attempts) == CALL_SETTINGS.max_attempts


def test_a_refusal_is_logged_with_its_status_code_and_reason(action_services, id_token, log_lines):
    status, _ = _call(function_url_event(action_body("getPhenoms", {"limit": 0}), id_token.token))
    refused = json.loads(log_lines[-1])
    assert (status, refused["level"], refused["message"]) == (400, "INFO", "action refused")
    assert (refused["status"], refused["code"], refused["reason"]) == (
        400,
        "validation-failed",
        "limit must be an integer from 1 to 100",
    )


def test_a_database_failure_behind_hasura_is_named(action_services, fake_hasura, id_token):
    fake_hasura.answer("CreatePhenom", graphql_error("unexpected", "database query error"))
    status, error = _call(function_url_event(action_body("createPhenom", CREATE_INPUT), id_token.token))
    assert (status, error["extensions"]["code"]) == (400, "dependency-unavailable")
    assert error["message"].startswith("the database did not answer the GraphQL engine's query (request id ")


def test_a_stalled_hasura_is_named_with_how_long_it_was_waited_for(
    action_services, fake_hasura, id_token, deadline_clock
):
    fake_hasura.hold("GetPhenoms")
    # A function with SLOWEST_CALL_SECONDS + 0.2 s left gives the action a budget of 0.2 s (the rest is kept free);
    # the deadline's clock stands still, so the whole 0.2 s is left when the query starts, on any machine.
    event = function_url_event(action_body("getPhenoms", {}), id_token.token)
    seconds_left = SLOWEST_CALL_SECONDS + 0.2
    status, error = reply_of(action_handler.handler(event, lambda_context(REQUEST_ID, seconds_left=seconds_left)))
    assert (status, error["extensions"]["code"]) == (400, "dependency-unavailable")
    assert error["message"].startswith("the GraphQL engine (or the database behind it) did not answer within ")


def test_missing_environment_becomes_400_unexpected_and_names_the_variable_in_the_log(monkeypatch, log_lines):
    for name in ACTION_HANDLER.environment:
        monkeypatch.delenv(name, raising=False)
    status, error = _call(function_url_event(action_body("getPhenoms", {}), "token"))
    assert (status, error["extensions"]["code"]) == (400, "unexpected")
    assert "APP_SECRETS_ID" in json.loads(log_lines[-1])["exception"]


def test_logs_carry_the_request_id_and_never_the_token_or_admin_secret(
    action_services, fake_hasura, id_token, log_lines
):
    # GIVEN one request that succeeds, one refused and one that fails
    fake_hasura.answer("GetPhenoms", {"phenoms": []})
    fake_hasura.answer("CreatePhenom", graphql_error("unexpected", "boom"))
    _call(function_url_event(action_body("getPhenoms", {}), id_token.token))
    _call(function_url_event(action_body("getPhenoms", {"limit": 0}), id_token.token))
    _call(function_url_event(action_body("createPhenom", CREATE_INPUT), id_token.token))
    # THEN every line is JSON with the request id, and neither secret appears anywhere
    assert len(log_lines) >= 3
    for line in log_lines:
        assert json.loads(line)["request_id"] == REQUEST_ID
        assert id_token.token not in line
        assert ADMIN_SECRET not in line


def test_without_a_lambda_request_id_the_function_urls_request_id_names_the_request(
    action_services, id_token, log_lines
):
    # GIVEN a context without aws_request_id (a host other than Lambda's), for a Function URL request
    event = function_url_event(action_body("getPhenoms", {"limit": 0}), id_token.token)
    event["requestContext"]["requestId"] = "url-request-7"
    context = SimpleNamespace(get_remaining_time_in_millis=lambda: 30_000)
    # WHEN the handler answers it  THEN its log lines carry the Function URL's request id
    assert reply_of(action_handler.handler(event, context))[0] == 400
    assert log_lines and all(json.loads(line)["request_id"] == "url-request-7" for line in log_lines)


def test_logs_of_a_request_carry_the_trace_id_of_its_traceparent(action_services, id_token, log_lines):
    # GIVEN a refused request whose client sent a W3C traceparent, forwarded by Hasura
    event = function_url_event(action_body("getPhenoms", {"limit": 0}), id_token.token)
    event["headers"]["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    _call(event)
    # THEN its log line can be found by the trace id the canary's report shows
    assert log_lines and all(json.loads(line)["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736" for line in log_lines)
