"""PhenomClient against a scripted HTTP server: which calls are retried, how failures read, what is never shown."""

from __future__ import annotations

import re

import pytest
from graphql import build_schema, graphql_sync

from phenom_client.api_schema import INTROSPECTION_QUERY, compare
from phenom_client.client import PhenomClient
from phenom_client.environments import EnvConfig
from phenom_client.errors import GraphQLRequestFailed, TransferFailed
from phenom_client.models import PresignedUpload
from phenom_client.retry import NO_RETRY, RetryPolicy
from tests.kit.loopback_http import DROP, Reply
from tests.kit.unreachable import refusing_port
from tests.unit.client.conftest import FAKE_ID_TOKEN

pytestmark = pytest.mark.unit

GRAPHQL = "/v1/graphql"
PHENOM_ID = "6f1c1d0e-4a53-4b8e-9d7e-0c2a1b3c4d5e"
ROW = {
    "id": PHENOM_ID,
    "lat": 0.0,
    "lng": 0.0,
    "media_type": "image",
    "created_at": "2025-11-27T06:00:00+00:00",
    "signed_uri": "http://example.invalid/get",
    "media": [
        {
            "filename": "a.txt",
            "sort_order": 0,
            "key": "k",
            "upload_state": "pending",
            "signed_uri": "http://example.invalid/get",
        }
    ],
}
SIGNED_QUERY = (
    "X-Amz-Credential=AKIAEXAMPLE%2F20251127&X-Amz-Signature=deadbeefcafe&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE"
)


def data(payload: dict) -> Reply:
    return Reply(200, {"data": payload})


def graphql_error_reply(code: str, message: str) -> Reply:
    return Reply(200, {"errors": [{"message": message, "extensions": {"code": code}}], "data": None})


@pytest.fixture
def attempts() -> list:
    """Every attempt the client reports."""
    return []


@pytest.fixture
def client(test_env, test_credentials, stubbed_cognito, attempts):
    """A signed-in client whose retries do not sleep."""
    cognito, stubber = stubbed_cognito
    stubber.add_response(
        "initiate_auth", {"AuthenticationResult": {"IdToken": FAKE_ID_TOKEN, "RefreshToken": "r", "ExpiresIn": 3600}}
    )
    with PhenomClient(
        test_env,
        test_credentials,
        cognito=cognito,
        retry=RetryPolicy(max_attempts=3, max_total_seconds=10, first_delay_seconds=0.01),
        on_attempt=attempts.append,
        sleep=lambda seconds: None,
    ) as phenom_client:
        phenom_client.sign_in()
        yield phenom_client


def test_get_phenoms_is_retried_after_a_503_and_each_attempt_is_reported(client, scripted_server, attempts):
    # GIVEN the endpoint fails once with 503, then answers
    scripted_server.queue("POST", GRAPHQL, Reply(503, "busy", "text/plain"), data({"getPhenoms": [ROW]}))
    # WHEN the client lists phenoms
    rows = client.get_phenoms(limit=5)
    # THEN it tried twice and reported both attempts
    assert [row.id for row in rows] == [PHENOM_ID]
    assert scripted_server.count("POST", GRAPHQL) == 2
    assert [(a.operation, a.number, a.succeeded) for a in attempts[1:]] == [
        ("getPhenoms", 1, False),
        ("getPhenoms", 2, True),
    ]


def test_create_phenom_is_never_retried(client, scripted_server):
    # GIVEN the endpoint answers 503 (the row may or may not exist behind it)
    scripted_server.queue("POST", GRAPHQL, Reply(503, "busy", "text/plain"), data({}))
    # WHEN the client creates a phenom
    with pytest.raises(GraphQLRequestFailed) as failure:
        client.create_phenom(["a.txt"])
    # THEN one request went out and the error is marked transient for the caller's cleanup
    assert scripted_server.count("POST", GRAPHQL) == 1
    assert failure.value.transient
    assert str(failure.value) == f"createPhenom got HTTP 503 from {client.env.graphql_url}"


def test_retries_stop_at_the_policy_limit_and_say_so(client, scripted_server):
    scripted_server.queue("POST", GRAPHQL, *[Reply(502, "bad gateway", "text/plain")] * 5)
    with pytest.raises(GraphQLRequestFailed) as failure:
        client.get_phenoms()
    assert scripted_server.count("POST", GRAPHQL) == 3
    assert str(failure.value).endswith("(gave up after 3 attempts)")


def test_graphql_errors_are_not_retried_and_read_code_then_message(client, scripted_server):
    scripted_server.queue(
        "POST", GRAPHQL, graphql_error_reply("validation-failed", "limit must be an integer from 1 to 100")
    )
    with pytest.raises(GraphQLRequestFailed) as failure:
        client.get_phenoms(limit=500)
    assert scripted_server.count("POST", GRAPHQL) == 1
    assert str(failure.value) == "getPhenoms answered validation-failed: limit must be an integer from 1 to 100"


def test_every_graphql_call_carries_the_id_token_as_bearer(client, scripted_server):
    scripted_server.queue("POST", GRAPHQL, data({"getPhenoms": []}))
    client.get_phenoms()
    assert scripted_server.requests[0].headers["authorization"] == f"Bearer {FAKE_ID_TOKEN}"


def test_a_token_echoed_in_an_error_is_redacted(client, scripted_server):
    scripted_server.queue("POST", GRAPHQL, graphql_error_reply("invalid-jwt", f"cannot use Bearer {FAKE_ID_TOKEN}"))
    with pytest.raises(GraphQLRequestFailed) as failure:
        client.get_phenoms()
    assert FAKE_ID_TOKEN not in str(failure.value)
    assert "[redacted]" in str(failure.value)


def test_delete_that_finds_the_phenom_gone_on_a_retry_counts_as_deleted(client, scripted_server):
    # GIVEN the first try's answer is lost (504) and the retry finds the phenom already deleted
    scripted_server.queue(
        "POST", GRAPHQL, Reply(504, "timeout", "text/plain"), graphql_error_reply("not-found", "phenom not found")
    )
    # WHEN the client deletes it
    answer = client.delete_phenom(PHENOM_ID)
    # THEN the delete counts as done
    assert answer.already_deleted
    assert answer.phenom_id == PHENOM_ID


def test_delete_of_an_unknown_phenom_on_the_first_try_is_an_error(client, scripted_server):
    scripted_server.queue("POST", GRAPHQL, graphql_error_reply("not-found", "phenom not found"))
    with pytest.raises(GraphQLRequestFailed) as failure:
        client.delete_phenom(PHENOM_ID)
    assert failure.value.code == "not-found"


def test_upload_put_is_retried_after_a_502(client, scripted_server):
    scripted_server.queue("PUT", "/bucket/key", Reply(502, "bad gateway", "text/plain"), Reply(200))
    client.upload(PresignedUpload("a.txt", "key", f"{scripted_server.url}/bucket/key?{SIGNED_QUERY}"), b"bytes")
    puts = [request for request in scripted_server.requests if request.method == "PUT"]
    assert [request.body for request in puts] == [b"bytes", b"bytes"]


def test_a_refused_download_names_status_and_s3_code_once(client, scripted_server):
    s3_error = "<?xml version='1.0'?><Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>"
    scripted_server.queue("GET", "/bucket/key", Reply(403, s3_error, "application/xml"))
    with pytest.raises(TransferFailed) as failure:
        client.download(f"{scripted_server.url}/bucket/key?{SIGNED_QUERY}")
    assert str(failure.value) == "GET returned 403 SignatureDoesNotMatch"
    assert scripted_server.count("GET", "/bucket/key") == 1


def test_a_dropped_connection_is_retried_and_the_url_signature_never_shown(client, scripted_server):
    scripted_server.queue("GET", "/bucket/key", DROP, DROP, DROP)
    with pytest.raises(TransferFailed) as failure:
        client.download(f"{scripted_server.url}/bucket/key?{SIGNED_QUERY}")
    assert scripted_server.count("GET", "/bucket/key") == 3
    for secret in ("deadbeefcafe", "AKIAEXAMPLE", "FQoGZXIvYXdzEXAMPLE"):
        assert secret not in str(failure.value)


def test_the_client_repr_shows_no_token(client):
    assert FAKE_ID_TOKEN not in repr(client)
    assert "signed_in=True" in repr(client)


def test_every_request_carries_a_w3c_traceparent(client, scripted_server):
    scripted_server.queue("POST", GRAPHQL, data({"getPhenoms": []}))
    scripted_server.queue("PUT", "/bucket/key", Reply(200))
    client.get_phenoms()
    client.upload(PresignedUpload("a.txt", "key", f"{scripted_server.url}/bucket/key?{SIGNED_QUERY}"), b"bytes")
    headers = [request.headers.get("traceparent", "") for request in scripted_server.requests]
    assert len(headers) == 2
    assert all(re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", header) for header in headers), headers


def test_a_connection_dropped_after_it_was_made_reached_the_server(client, scripted_server, attempts):
    scripted_server.queue("POST", GRAPHQL, DROP, DROP, DROP)
    with pytest.raises(GraphQLRequestFailed) as failure:
        client.get_phenoms()
    assert failure.value.unreached is False
    assert [attempt.unreached for attempt in attempts if attempt.operation == "getPhenoms"] == [False] * 3


def test_a_refused_connection_never_reached_the_server(test_credentials, stubbed_cognito, attempts):
    with refusing_port() as port:
        env = EnvConfig("unit", "us-east-1", f"http://127.0.0.1:{port}/v1/graphql", "p", "c", "smoke@example.com", "s")
        cognito, stubber = stubbed_cognito
        stubber.add_response(
            "initiate_auth",
            {"AuthenticationResult": {"IdToken": FAKE_ID_TOKEN, "RefreshToken": "r", "ExpiresIn": 3600}},
        )
        with PhenomClient(
            env, test_credentials, cognito=cognito, retry=NO_RETRY, on_attempt=attempts.append
        ) as refused_client:
            refused_client.sign_in()
            with pytest.raises(GraphQLRequestFailed) as graphql_failure:
                refused_client.get_phenoms()
            with pytest.raises(TransferFailed) as transfer_failure:
                refused_client.download(f"http://127.0.0.1:{port}/bucket/key")
    assert (graphql_failure.value.unreached, transfer_failure.value.unreached) == (True, True)
    assert attempts[-1].unreached is True


def test_api_schema_is_the_introspection_as_the_signed_in_user(client, scripted_server):
    # GIVEN the endpoint answers introspection with a schema holding getPhenoms
    served = build_schema("type query_root { getPhenoms(limit: Int): [String!]! } schema { query: query_root }")
    scripted_server.queue("POST", GRAPHQL, data(graphql_sync(served, INTROSPECTION_QUERY).data))
    # WHEN the client reads the API schema
    schema = client.api_schema()
    # THEN it asked with the user's own token and got that schema back
    request = next(request for request in scripted_server.requests if request.path == GRAPHQL)
    assert request.headers["authorization"] == f"Bearer {FAKE_ID_TOKEN}"
    assert "__schema" in request.json()["query"]
    assert not compare(served, schema)
