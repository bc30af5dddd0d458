"""One GraphQL endpoint over HTTP: the request it sends, and the one line each kind of failure reads as."""

from __future__ import annotations

import pytest

from phenom_client.client import GET_PHENOMS
from phenom_client.errors import GraphQLRequestFailed
from phenom_client.graphql import GraphQLEndpoint
from phenom_client.timeouts import Timeouts
from tests.kit.loopback_http import DROP, Reply

pytestmark = pytest.mark.unit

GRAPHQL = "/v1/graphql"


@pytest.fixture
def endpoint(scripted_server):
    """A GraphQLEndpoint at the scripted server with a short read timeout, closed after the test."""
    graphql = GraphQLEndpoint(f"{scripted_server.url}{GRAPHQL}", Timeouts(connect_seconds=2.0, read_seconds=0.3))
    yield graphql
    graphql.close()


def fail(endpoint: GraphQLEndpoint) -> GraphQLRequestFailed:
    with pytest.raises(GraphQLRequestFailed) as failure:
        endpoint.execute("getPhenoms", GET_PHENOMS, {"limit": 5}, token="t0ken")
    return failure.value


def test_execute_posts_the_document_and_variables_with_the_bearer_token_and_returns_data(endpoint, scripted_server):
    scripted_server.queue("POST", GRAPHQL, Reply(200, {"data": {"getPhenoms": []}}))
    assert endpoint.execute("getPhenoms", GET_PHENOMS, {"limit": 5}, token="t0ken") == {"getPhenoms": []}
    (request,) = scripted_server.requests
    assert request.headers["authorization"] == "Bearer t0ken"
    assert request.json()["variables"] == {"limit": 5}
    assert "getPhenoms(limit: $limit)" in request.json()["query"]


def test_a_closed_endpoint_opens_a_new_session_on_the_next_call(endpoint, scripted_server):
    scripted_server.queue("POST", GRAPHQL, *[Reply(200, {"data": {"getPhenoms": []}})] * 2)
    endpoint.execute("getPhenoms", GET_PHENOMS, {"limit": 5}, token="t0ken")
    endpoint.close()
    assert endpoint.execute("getPhenoms", GET_PHENOMS, {"limit": 5}, token="t0ken") == {"getPhenoms": []}
    assert scripted_server.count("POST", GRAPHQL) == 2


@pytest.mark.parametrize(
    ("error", "message", "code"),
    [
        (
            {"message": "limit too big", "extensions": {"code": "validation-failed"}},
            "validation-failed: limit too big",
            "validation-failed",
        ),
        ({"message": "boom"}, "an error: boom", None),
        ({"message": "boom", "extensions": None}, "an error: boom", None),
        ({"extensions": {"code": "unexpected"}}, "unexpected: {'extensions': {'code': 'unexpected'}}", "unexpected"),
    ],
    ids=["code-and-message", "no-extensions", "null-extensions", "no-message"],
)
def test_a_graphql_error_reads_its_code_then_its_message(endpoint, scripted_server, error, message, code):
    scripted_server.queue("POST", GRAPHQL, Reply(200, {"errors": [error, {"message": "second"}], "data": None}))
    failure = fail(endpoint)
    assert str(failure) == f"getPhenoms answered {message}"
    assert (failure.code, failure.transient, failure.unreached) == (code, False, False)


@pytest.mark.parametrize(("status", "transient"), [(500, False), (502, True), (503, True), (504, True), (401, False)])
def test_an_http_error_names_the_status_and_is_transient_only_for_gateway_errors(
    endpoint, scripted_server, status, transient
):
    scripted_server.queue("POST", GRAPHQL, Reply(status, "no", "text/plain"))
    failure = fail(endpoint)
    assert str(failure) == f"getPhenoms got HTTP {status} from {endpoint.url}"
    assert (failure.code, failure.transient, failure.unreached) == (str(status), transient, False)


def test_a_dropped_connection_is_transient_and_names_the_cause(endpoint, scripted_server):
    scripted_server.queue("POST", GRAPHQL, DROP)
    failure = fail(endpoint)
    assert str(failure).startswith(f"getPhenoms got no answer from {endpoint.url}: ConnectionError: ")
    assert (failure.code, failure.transient, failure.unreached) == (None, True, False)


def test_an_answer_slower_than_the_read_timeout_is_transient(endpoint, scripted_server):
    scripted_server.queue("POST", GRAPHQL, Reply(200, {"data": {"getPhenoms": []}}, held=True))
    failure = fail(endpoint)
    assert str(failure).startswith(f"getPhenoms got no answer from {endpoint.url}: ReadTimeout: ")
    assert failure.transient


def test_a_request_that_cannot_be_sent_is_not_transient():
    graphql = GraphQLEndpoint("ftp://example.invalid/v1/graphql", Timeouts())
    failure = fail(graphql)
    assert str(failure) == (
        "getPhenoms got no answer from ftp://example.invalid/v1/graphql: InvalidSchema: "
        "No connection adapters were found for 'ftp://example.invalid/v1/graphql'"
    )
    assert (failure.transient, failure.unreached) == (False, False)


def test_an_answer_that_is_not_graphql_says_so(endpoint, scripted_server):
    scripted_server.queue("POST", GRAPHQL, Reply(200, {"result": "ok"}))
    failure = fail(endpoint)
    assert str(failure) == (
        f"getPhenoms got something other than GraphQL from {endpoint.url}: "
        """Server did not return a GraphQL result: No "data" or "errors" keys in answer: {"result": "ok"}"""
    )
    assert (failure.code, failure.transient, failure.unreached) == (None, False, False)
