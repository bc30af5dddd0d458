"""PhenomClient against a scripted HTTP server: which calls are retried, how failures read, what is never shown."""

from __future__ import annotations

import dataclasses
import re

import pytest
import requests
from graphql import build_schema, graphql_sync

from phenom_client.api_schema import INTROSPECTION_QUERY, compare
from phenom_client.client import PhenomClient
from phenom_client.environments import EnvConfig
from phenom_client.errors import GraphQLRequestFailed, SignInFailed, TransferFailed
from phenom_client.models import CreatedPhenom, DeletedPhenom, PresignedUpload
from phenom_client.retry import NO_RETRY, RetryPolicy
from phenom_client.timeouts import Timeouts
from tests.kit.clock import FakeClock
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
def sleeps() -> list:
    """Every delay the client waited between tries (recorded, not slept)."""
    return []


@pytest.fixture
def clock() -> FakeClock:
    """The client's clock, at t=1000 s until a test moves it."""
    return FakeClock()


@pytest.fixture
def client(test_env, test_credentials, stubbed_cognito, attempts, sleeps, clock):
    """A signed-in client whose retries do not sleep, on a clock the test moves."""
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
        sleep=sleeps.append,
        clock=clock,
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
    # THEN the delete counts as done, with no object known to be deleted by this call
    assert answer == DeletedPhenom(PHENOM_ID, 0, already_deleted=True)


def test_delete_of_an_unknown_phenom_on_the_first_try_is_an_error(client, scripted_server):
    scripted_server.queue("POST", GRAPHQL, graphql_error_reply("not-found", "phenom not found"))
    with pytest.raises(GraphQLRequestFailed) as failure:
        client.delete_phenom(PHENOM_ID)
    assert failure.value.code == "not-found"
    assert str(failure.value) == "deletePhenom answered not-found: phenom not found"


def test_delete_sends_the_phenom_id_as_the_signed_in_user_and_returns_the_answer(client, scripted_server):
    scripted_server.queue("POST", GRAPHQL, data({"deletePhenom": {"phenomId": PHENOM_ID, "deletedObjects": 2}}))
    assert client.delete_phenom(PHENOM_ID) == DeletedPhenom(PHENOM_ID, 2)
    (request,) = scripted_server.requests
    assert request.json()["variables"] == {"phenomId": PHENOM_ID}
    assert "deletePhenom(phenomId: $phenomId)" in request.json()["query"]
    assert request.headers["authorization"] == f"Bearer {FAKE_ID_TOKEN}"


def test_a_delete_that_keeps_failing_says_which_call_gave_up(client, scripted_server):
    scripted_server.queue("POST", GRAPHQL, *[Reply(503, "busy", "text/plain")] * 3)
    with pytest.raises(GraphQLRequestFailed) as failure:
        client.delete_phenom(PHENOM_ID)
    assert str(failure.value) == (f"deletePhenom got HTTP 503 from {client.env.graphql_url} (gave up after 3 attempts)")


CREATED = {
    "createPhenom": {
        "phenomId": PHENOM_ID,
        "uploads": [{"filename": "a.txt", "key": "media/a.txt", "uploadUrl": "http://example.invalid/put"}],
    }
}


@pytest.mark.parametrize(
    ("where", "sent"),
    [
        ({}, {"lat": 0.0, "lng": 0.0, "media_type": "image"}),
        ({"lat": 51.5, "lng": -0.12, "media_type": "video"}, {"lat": 51.5, "lng": -0.12, "media_type": "video"}),
    ],
    ids=["defaults", "given"],
)
def test_create_sends_the_files_place_and_media_type_and_returns_the_uploads(client, scripted_server, where, sent):
    scripted_server.queue("POST", GRAPHQL, data(CREATED))
    created = client.create_phenom(("a.txt", "b.txt"), **where)
    assert created == CreatedPhenom(PHENOM_ID, (PresignedUpload("a.txt", "media/a.txt", "http://example.invalid/put"),))
    (request,) = scripted_server.requests
    assert request.json()["variables"] == {"input": {**sent, "filenames": ["a.txt", "b.txt"]}}


@pytest.mark.parametrize(("asked", "sent"), [({}, 20), ({"limit": 100}, 100)], ids=["default", "given"])
def test_get_phenoms_sends_the_limit(client, scripted_server, asked, sent):
    scripted_server.queue("POST", GRAPHQL, data({"getPhenoms": []}))
    assert client.get_phenoms(**asked) == ()
    assert scripted_server.requests[0].json()["variables"] == {"limit": sent}


KEY = "/bucket/key"
SERVED = build_schema("type query_root { getPhenoms(limit: Int): [String!]! } schema { query: query_root }")
RETRIED_CALLS = {
    "getPhenoms": ("POST", GRAPHQL, data({"getPhenoms": []}), lambda client, url: client.get_phenoms()),
    "introspection": (
        "POST",
        GRAPHQL,
        data(graphql_sync(SERVED, INTROSPECTION_QUERY).data),
        lambda client, url: client.api_schema(),
    ),
    "deletePhenom": (
        "POST",
        GRAPHQL,
        data({"deletePhenom": {"phenomId": PHENOM_ID, "deletedObjects": 1}}),
        lambda client, url: client.delete_phenom(PHENOM_ID),
    ),
    "PUT upload": (
        "PUT",
        KEY,
        Reply(200),
        lambda client, url: client.upload(PresignedUpload("a.txt", "key", f"{url}{KEY}"), b"bytes"),
    ),
    "GET download": ("GET", KEY, Reply(200, b"bytes"), lambda client, url: client.download(f"{url}{KEY}")),
}


@pytest.mark.parametrize("operation", RETRIED_CALLS)
def test_a_retried_call_waits_with_the_clients_sleep_and_reports_each_attempt_by_name(
    client, scripted_server, attempts, sleeps, operation
):
    method, path, success, call = RETRIED_CALLS[operation]
    scripted_server.queue(method, path, Reply(503, "busy", "text/plain"), success)
    call(client, scripted_server.url)
    assert scripted_server.count(method, path) == 2
    assert sleeps == [0.01]
    assert [(a.operation, a.number, a.succeeded) for a in attempts[1:]] == [(operation, 1, False), (operation, 2, True)]


@pytest.mark.parametrize("operation", RETRIED_CALLS)
def test_the_retry_budget_is_counted_on_the_clients_clock(client, scripted_server, clock, operation):
    # GIVEN a server whose every answer is a 503 that takes 20 s of the client's clock, over the 10 s budget
    method, path, _, call = RETRIED_CALLS[operation]

    def slow_refusal(_request):
        clock.now += 20
        return Reply(503, "busy", "text/plain")

    scripted_server.route(method, path, slow_refusal)
    # WHEN the call is made
    with pytest.raises((GraphQLRequestFailed, TransferFailed)):
        call(client, scripted_server.url)
    # THEN no second try starts
    assert scripted_server.count(method, path) == 1


def test_the_id_token_is_refreshed_by_the_clients_clock(client, scripted_server, stubbed_cognito, clock):
    # GIVEN a signed-in client whose clock reaches the token's refresh margin (1 h token, 5 min margin)
    _, stubber = stubbed_cognito
    stubber.add_response(
        "initiate_auth", {"AuthenticationResult": {"IdToken": "refreshed.id.token", "ExpiresIn": 3600}}
    )
    clock.now += 3600 - 300
    scripted_server.queue("POST", GRAPHQL, data({"getPhenoms": []}))
    # WHEN it calls the API
    client.get_phenoms()
    # THEN the call carries the refreshed token
    assert scripted_server.requests[0].headers["authorization"] == "Bearer refreshed.id.token"


def test_sign_in_is_retried_under_the_clients_policy_and_sleep(
    test_env, test_credentials, stubbed_cognito, attempts, sleeps
):
    cognito, stubber = stubbed_cognito
    stubber.add_client_error("initiate_auth", "TooManyRequestsException", "Rate exceeded", 400)
    stubber.add_client_error("initiate_auth", "TooManyRequestsException", "Rate exceeded", 400)
    policy = RetryPolicy(max_attempts=2, first_delay_seconds=0.25)
    with (
        PhenomClient(
            test_env, test_credentials, cognito=cognito, retry=policy, on_attempt=attempts.append, sleep=sleeps.append
        ) as throttled,
        pytest.raises(SignInFailed) as failure,
    ):
        throttled.sign_in()
    assert failure.value.attempts == 2
    assert sleeps == [0.25]
    assert [(a.operation, a.number) for a in attempts] == [("sign in", 1), ("sign in", 2)]


def test_without_a_cognito_client_it_signs_in_at_the_environments_endpoint_within_its_timeouts(
    test_env, test_credentials, scripted_server
):
    # GIVEN Cognito at the environment's AWS endpoint, answering the first sign-in and holding back the second
    env = dataclasses.replace(test_env, aws_endpoint_url=scripted_server.url)
    tokens = {"AuthenticationResult": {"IdToken": FAKE_ID_TOKEN, "RefreshToken": "r", "ExpiresIn": 3600}}
    amz_json = "application/x-amz-json-1.1"
    scripted_server.queue("POST", "/", Reply(200, tokens, amz_json), Reply(200, tokens, amz_json, held=True))
    with PhenomClient(
        env, test_credentials, timeouts=Timeouts(connect_seconds=2.0, read_seconds=0.3), retry=NO_RETRY
    ) as default_cognito:
        # WHEN the client signs in twice
        default_cognito.sign_in()
        with pytest.raises(SignInFailed) as failure:
            default_cognito.sign_in()
    # THEN both went to that endpoint, and the second gave up after the client's read timeout
    assert [request.headers["x-amz-target"] for request in scripted_server.requests] == [
        "AWSCognitoIdentityProviderService.InitiateAuth"
    ] * 2
    assert "Read timeout" in str(failure.value)


def test_media_moves_over_the_requests_session_the_client_is_given(test_env, test_credentials, scripted_server):
    session = requests.Session()
    session.headers["X-Phenom-Session"] = "given"
    scripted_server.queue("GET", KEY, Reply(200, b"bytes"))
    with PhenomClient(test_env, test_credentials, cognito=object(), http=session) as given_session:
        assert given_session.download(f"{scripted_server.url}{KEY}") == b"bytes"
    assert scripted_server.requests[0].headers["x-phenom-session"] == "given"


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
    scripted_server.queue("POST", GRAPHQL, data(graphql_sync(SERVED, INTROSPECTION_QUERY).data))
    # WHEN the client reads the API schema
    schema = client.api_schema()
    # THEN it asked with the user's own token and got that schema back
    request = next(request for request in scripted_server.requests if request.path == GRAPHQL)
    assert request.headers["authorization"] == f"Bearer {FAKE_ID_TOKEN}"
    assert "__schema" in request.json()["query"]
    assert not compare(SERVED, schema)
