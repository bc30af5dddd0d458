"""The shared modules: env config, app secrets, the Hasura admin client and JSON logging."""

from __future__ import annotations

import io
import json
import logging

import boto3
import pytest

from lambdas.shared.app_secrets import AppSecretsError, read_app_secrets
from lambdas.shared.config import MissingEnvironmentVariable, read_optional_env, read_required_env
from lambdas.shared.hasura import HasuraAdminClient, HasuraGraphQLError, HasuraTransportError, admin_client
from lambdas.shared.log import (
    REDACTED,
    JsonFormatter,
    bind_request_id,
    get_logger,
    redact,
    request_id_from,
    trace_id_from,
)
from tests.kit.events import lambda_context
from tests.kit.fake_hasura import GRAPHQL_PATH, graphql_error
from tests.kit.fixture_values import ADMIN_SECRET, APP_SECRETS_ID, REGION

pytestmark = pytest.mark.unit

PING = "query Ping { __typename }"
JWT_LIKE = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


def test_required_env_names_the_missing_variable(monkeypatch):
    monkeypatch.setenv("PHENOM_UNIT_SET", "value")
    monkeypatch.setenv("PHENOM_UNIT_BLANK", "  ")
    assert read_required_env(["PHENOM_UNIT_SET"]) == {"PHENOM_UNIT_SET": "value"}
    with pytest.raises(MissingEnvironmentVariable, match="PHENOM_UNIT_BLANK is not set") as missing:
        read_required_env(["PHENOM_UNIT_SET", "PHENOM_UNIT_BLANK"])
    assert missing.value.name == "PHENOM_UNIT_BLANK"


def test_optional_env_is_none_when_unset_or_empty(monkeypatch):
    monkeypatch.setenv("PHENOM_UNIT_EMPTY", "")
    monkeypatch.delenv("PHENOM_UNIT_UNSET", raising=False)
    assert (read_optional_env("PHENOM_UNIT_EMPTY"), read_optional_env("PHENOM_UNIT_UNSET")) == (None, None)


def test_app_secret_is_read_once_per_container(app_secret):
    # GIVEN the secret was read once
    assert read_app_secrets(app_secret).graphql_admin_secret == ADMIN_SECRET
    # WHEN it disappears from Secrets Manager
    boto3.client("secretsmanager", region_name=REGION).delete_secret(
        SecretId=app_secret, ForceDeleteWithoutRecovery=True
    )
    # THEN the container still has it, and never shows it in a repr
    secrets = read_app_secrets(app_secret)
    assert secrets.graphql_admin_secret == ADMIN_SECRET
    assert ADMIN_SECRET not in repr(secrets)


@pytest.mark.parametrize(
    "secret_string",
    ["not json", json.dumps(["a"]), json.dumps({"database_url": "x"}), json.dumps({"graphql_admin_secret": 5})],
    ids=["not-json", "array", "no-key", "not-string"],
)
def test_malformed_app_secret_is_reported_without_its_value(aws, secret_string):
    boto3.client("secretsmanager", region_name=REGION).create_secret(Name=APP_SECRETS_ID, SecretString=secret_string)
    with pytest.raises(AppSecretsError, match="graphql_admin_secret") as refused:
        read_app_secrets(APP_SECRETS_ID)
    assert secret_string not in str(refused.value)


@pytest.fixture
def hasura_client(fake_hasura) -> HasuraAdminClient:
    """An admin client of the fake Hasura."""
    return HasuraAdminClient(fake_hasura.url, ADMIN_SECRET)


def test_hasura_client_sends_the_admin_secret_and_returns_data(fake_hasura, hasura_client):
    fake_hasura.answer("Ping", {"__typename": "query_root"})
    assert hasura_client.execute(PING, {"a": 1}) == {"__typename": "query_root"}
    [call] = fake_hasura.calls
    assert (call.admin_secret, call.variables) == (ADMIN_SECRET, {"a": 1})
    assert ADMIN_SECRET not in repr(hasura_client)


def test_admin_client_holds_the_app_secrets_admin_secret(app_secret, fake_hasura):
    assert admin_client(app_secret, fake_hasura.url, timeout_seconds=2.5) == HasuraAdminClient(
        fake_hasura.url, ADMIN_SECRET, 2.5
    )


def test_hasura_errors_carry_code_and_message(fake_hasura, hasura_client):
    fake_hasura.answer("Ping", graphql_error("validation-failed", "field 'x' not found in type: 'query_root'"))
    with pytest.raises(HasuraGraphQLError) as failed:
        hasura_client.execute(PING)
    assert (failed.value.code, failed.value.message) == (
        "validation-failed",
        "field 'x' not found in type: 'query_root'",
    )


def test_hasura_errors_on_a_4xx_status_are_read_too(fake_hasura, hasura_client):
    fake_hasura.answer(
        "Ping", lambda variables: (400, {"errors": [{"message": "bad", "extensions": {"code": "parse-failed"}}]})
    )
    with pytest.raises(HasuraGraphQLError) as failed:
        hasura_client.execute(PING)
    assert failed.value.code == "parse-failed"


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ((502, b"<html>bad gateway</html>"), "not-json"),
        ((200, [1]), "not-graphql"),
        ((200, {"data": None}), "not-graphql"),
    ],
    ids=["html", "array", "no-data"],
)
def test_answers_that_are_not_graphql_are_transport_errors(fake_hasura, hasura_client, reply, code):
    fake_hasura.answer("Ping", lambda variables: reply)
    with pytest.raises(HasuraTransportError) as failed:
        hasura_client.execute(PING)
    assert failed.value.code == code


def test_unreachable_hasura_is_a_transport_error():
    with pytest.raises(HasuraTransportError, match="no answer from http://127.0.0.1:9"):
        HasuraAdminClient(f"http://127.0.0.1:9{GRAPHQL_PATH}", ADMIN_SECRET).execute(PING)


def test_slow_hasura_times_out(fake_hasura, hasura_client):
    fake_hasura.hold("Ping")
    with pytest.raises(HasuraTransportError, match="timed out"):
        hasura_client.execute(PING, timeout=0.2)


def test_redact_hides_sensitive_keys_and_jwt_like_values():
    redacted = redact(
        {
            "Authorization": "Bearer x",
            "nested": {"admin_secret": "s", "note": f"got {JWT_LIKE}"},
            "ids": ["a", JWT_LIKE],
        }
    )
    assert redacted == {
        "Authorization": REDACTED,
        "nested": {"admin_secret": REDACTED, "note": f"got {REDACTED}"},
        "ids": ["a", REDACTED],
    }


def test_log_line_is_json_with_request_id_and_redacted_fields():
    # GIVEN a handler writing through the JSON formatter
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger("phenom").addHandler(handler)
    try:
        # WHEN a line with a token in its message and fields is logged inside a request
        with bind_request_id("req-7"):
            get_logger("unit").info(f"saw {JWT_LIKE}", token="t", caller="u-1")
    finally:
        logging.getLogger("phenom").removeHandler(handler)
    # THEN it is one JSON object carrying the request id, with the token gone
    line = json.loads(stream.getvalue())
    assert line == {
        "level": "INFO",
        "logger": "phenom.unit",
        "message": f"saw {REDACTED}",
        "request_id": "req-7",
        "token": REDACTED,
        "caller": "u-1",
    }


def test_request_id_prefers_the_lambda_context_then_the_function_url():
    event = {"requestContext": {"requestId": "url-id"}}
    assert request_id_from(lambda_context("ctx-id"), event) == "ctx-id"
    assert request_id_from(None, event) == "url-id"
    assert request_id_from(None, None)


def test_log_lines_of_a_traced_request_carry_its_trace_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger("phenom").addHandler(handler)
    try:
        with bind_request_id("req-8", trace_id_from("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")):
            get_logger("unit").info("traced")
        get_logger("unit").info("after")
    finally:
        logging.getLogger("phenom").removeHandler(handler)
    traced, after = (json.loads(line) for line in stream.getvalue().splitlines())
    assert (traced["request_id"], traced["trace_id"]) == ("req-8", "4bf92f3577b34da6a3ce929d0e0e4736")
    assert "trace_id" not in after


@pytest.mark.parametrize(
    "header", [None, "", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-abc-def-01"]
)
def test_a_missing_or_malformed_traceparent_gives_no_trace_id(header):
    assert trace_id_from(header) is None
