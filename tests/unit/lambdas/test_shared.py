"""The shared modules: env config, app secrets, the Hasura admin client and JSON logging."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from lambdas.shared.app_secrets import AppSecretsError, read_app_secrets
from lambdas.shared.config import MissingEnvironmentVariable, read_optional_env, read_required_env
from lambdas.shared.deadline import Deadline, DeadlineExceeded
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
from tests.kit.unreachable import refusing_port

pytestmark = pytest.mark.unit

PING = "query Ping { __typename }"
JWT_LIKE = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


@pytest.mark.parametrize("missing", ["PHENOM_UNIT_BLANK", "PHENOM_UNIT_UNSET"], ids=["blank", "unset"])
def test_required_env_names_the_missing_variable(monkeypatch, missing):
    monkeypatch.setenv("PHENOM_UNIT_SET", " value ")
    monkeypatch.setenv("PHENOM_UNIT_BLANK", "  ")
    monkeypatch.delenv("PHENOM_UNIT_UNSET", raising=False)
    assert read_required_env(["PHENOM_UNIT_SET"]) == {"PHENOM_UNIT_SET": "value"}
    with pytest.raises(MissingEnvironmentVariable) as refused:
        read_required_env(["PHENOM_UNIT_SET", missing])
    assert (refused.value.name, str(refused.value)) == (
        missing,
        f"environment variable {missing} is not set: set it in the Lambda's environment (Terraform sets it)",
    )


def test_optional_env_is_none_when_unset_or_empty(monkeypatch):
    monkeypatch.setenv("PHENOM_UNIT_EMPTY", "")
    monkeypatch.delenv("PHENOM_UNIT_UNSET", raising=False)
    assert (read_optional_env("PHENOM_UNIT_EMPTY"), read_optional_env("PHENOM_UNIT_UNSET")) == (None, None)


def test_a_deadline_counts_its_budget_down_and_is_spent_when_none_is_left(deadline_clock):
    deadline = Deadline(2.0)
    deadline_clock.now += 1.25
    assert deadline.remaining() == 0.75
    deadline_clock.now += 0.75
    with pytest.raises(DeadlineExceeded) as spent:
        deadline.remaining()
    assert str(spent.value) == "time budget of 2.0 s spent"


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
    ("reply", "code", "message"),
    [
        ((502, b"<html>bad gateway</html>"), "not-json", "Hasura answered HTTP 502 with a body that is not JSON"),
        ((200, [1]), "not-graphql", "Hasura answered HTTP 200 with JSON that is not an object"),
        ((200, {"data": None}), "not-graphql", "Hasura answered HTTP 200 without data or errors"),
    ],
    ids=["html", "array", "no-data"],
)
def test_answers_that_are_not_graphql_are_transport_errors(fake_hasura, hasura_client, reply, code, message):
    fake_hasura.answer("Ping", lambda variables: reply)
    with pytest.raises(HasuraTransportError) as failed:
        hasura_client.execute(PING)
    assert (failed.value.code, failed.value.message, str(failed.value)) == (code, message, f"{code}: {message}")


def test_unreachable_hasura_is_a_transport_error():
    with refusing_port() as port:
        url = f"http://127.0.0.1:{port}{GRAPHQL_PATH}"
        with pytest.raises(HasuraTransportError) as failed:
            HasuraAdminClient(url, ADMIN_SECRET).execute(PING)
    assert (failed.value.code, failed.value.waited_seconds) == ("unreachable", None)
    assert failed.value.message == f"no answer from {url}: <urlopen error [Errno 111] Connection refused>"


def test_slow_hasura_times_out_saying_how_long_it_was_waited_for(fake_hasura, hasura_client):
    fake_hasura.hold("Ping")
    with pytest.raises(HasuraTransportError) as failed:
        hasura_client.execute(PING, timeout=0.1)
    assert (failed.value.code, failed.value.waited_seconds) == ("timeout", 0.1)
    assert str(failed.value) == f"timeout: no answer from {fake_hasura.url} within 0.1 s: timed out"


def test_hasura_client_sends_one_json_post(fake_hasura, hasura_client, loopback_server):
    fake_hasura.answer("Ping", {"__typename": "query_root"})
    hasura_client.execute(PING)
    [request] = loopback_server.requests
    assert (request.method, request.headers["content-type"], request.json()) == (
        "POST",
        "application/json",
        {"query": PING, "variables": {}},
    )


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
    assert request_id_from(lambda_context(""), event) == "url-id"


@pytest.mark.parametrize(
    "context, event",
    [(None, None), (lambda_context(""), {"requestContext": "not-an-object"}), (None, {"requestContext": {}})],
    ids=["nothing", "empty-id-and-odd-event", "event-without-id"],
)
def test_without_a_request_id_each_invocation_gets_a_fresh_uuid(context, event):
    first, second = request_id_from(context, event), request_id_from(context, event)
    assert str(uuid.UUID(first)) == first and first != second


def test_a_record_of_another_logger_is_a_json_line_too_and_odd_field_values_are_text():
    formatter = JsonFormatter()
    plain = logging.LogRecord("phenom.other", logging.WARNING, __file__, 1, "plain %s", ("text",), None)
    assert json.loads(formatter.format(plain)) == {
        "level": "WARNING",
        "logger": "phenom.other",
        "message": "plain text",
        "request_id": "-",
    }
    odd = logging.LogRecord("phenom.unit", logging.INFO, __file__, 1, "odd", (), None)
    odd.fields = {"path": Path("/tmp/x"), "count": 2}
    assert json.loads(formatter.format(odd))["path"] == "/tmp/x"


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


def test_a_traceparent_in_capitals_or_padded_gives_its_trace_id_in_lower_case():
    traceparent = " 00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01 "
    assert trace_id_from(traceparent) == "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.mark.parametrize(
    "header", [None, "", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-abc-def-01"]
)
def test_a_missing_or_malformed_traceparent_gives_no_trace_id(header):
    assert trace_id_from(header) is None


@pytest.fixture
def cold_logging() -> Iterator[list[logging.LogRecord]]:
    """The `phenom` logger as a new container finds it (no handler, no level, propagating), under a Python root
    logger at its default WARNING; gives the records that reach the root logger's handlers (the Lambda runtime's)."""
    phenom, python_root = logging.getLogger("phenom"), logging.getLogger()
    saved = (phenom.handlers[:], phenom.level, phenom.propagate, python_root.level)
    reaching_the_root: list[logging.LogRecord] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            reaching_the_root.append(record)

    collector = Collector()
    phenom.handlers.clear()
    phenom.setLevel(logging.NOTSET)
    phenom.propagate = True
    python_root.setLevel(logging.WARNING)
    python_root.addHandler(collector)
    try:
        yield reaching_the_root
    finally:
        python_root.removeHandler(collector)
        phenom.handlers[:], phenom.propagate = saved[0], saved[2]
        phenom.setLevel(saved[1])
        python_root.setLevel(saved[3])


def test_the_first_logger_writes_info_lines_as_json_on_stdout_once_and_nowhere_else(cold_logging, capsys):
    # WHEN two modules get their loggers and one logs at info level inside a request
    get_logger("first")
    with bind_request_id("req-9"):
        get_logger("unit").info("installed", step=1)
    # THEN one handler was installed, and the line went to stdout as JSON, once, and not to the runtime's handlers
    out, err = capsys.readouterr()
    assert [json.loads(line) for line in out.splitlines()] == [
        {"level": "INFO", "logger": "phenom.unit", "message": "installed", "request_id": "req-9", "step": 1}
    ]
    assert (err, cold_logging, len(logging.getLogger("phenom").handlers)) == ("", [], 1)
