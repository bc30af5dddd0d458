"""Which failures of the services an action depends on are answered as `dependency-unavailable`, and the message
each one gives the GraphQL client: the service and how it failed, never an address."""

from __future__ import annotations

import pytest

from lambdas.action_handler.auth import JwksUnavailable
from lambdas.action_handler.dependencies import ServiceUnavailable, dependency_failure
from lambdas.shared.hasura import HasuraGraphQLError, HasuraTransportError

pytestmark = pytest.mark.unit

DATABASE = "the database did not answer the GraphQL engine's query"


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            HasuraTransportError("timeout", "no answer from http://10.0.0.1 within 2.6 s", 2.6),
            "the GraphQL engine (or the database behind it) did not answer within 3 s",
        ),
        (
            HasuraTransportError("unreachable", "no answer from http://10.0.0.1"),
            "the GraphQL engine could not be reached",
        ),
        (
            HasuraTransportError("not-graphql", "HTTP 502 <html>"),
            "the GraphQL engine answered with something other than GraphQL",
        ),
        (HasuraGraphQLError("postgres-error", "connection reset"), DATABASE),
        (HasuraGraphQLError("unexpected", "database query error"), DATABASE),
        (HasuraGraphQLError("unexpected", "connection error"), DATABASE),
        (
            ServiceUnavailable("the media bucket (S3)", 4.0, "ReadTimeoutError"),
            "the media bucket (S3) did not answer within 4 s",
        ),
        (
            JwksUnavailable("could not fetch the user pool's JWKS: timed out"),
            "the user pool's signing keys (Cognito's JWKS) could not be fetched",
        ),
    ],
    ids=[
        "hasura-timeout",
        "hasura-unreachable",
        "hasura-not-graphql",
        "postgres-error",
        "database-query",
        "connection",
        "aws",
        "jwks",
    ],
)
def test_a_dependencys_failure_is_answered_naming_the_dependency(error, message):
    refusal = dependency_failure(error)
    assert refusal is not None
    assert (refusal.status, refusal.code, refusal.message) == (400, "dependency-unavailable", message)


@pytest.mark.parametrize(
    "error",
    [
        HasuraGraphQLError("constraint-violation", "Uniqueness violation."),
        HasuraGraphQLError("unexpected", "boom"),
        RuntimeError("disk on fire"),
    ],
    ids=["constraint", "other-graphql-error", "not-a-dependency"],
)
def test_other_failures_are_not_blamed_on_a_dependency(error):
    assert dependency_failure(error) is None
