"""Hasura answers whose `errors` are not the usual shape still become a HasuraGraphQLError, with `unknown` and
`no message` standing in for what is missing, never an AttributeError from the parsing."""

from __future__ import annotations

import pytest

from lambdas.shared.hasura import HasuraAdminClient, HasuraGraphQLError
from tests.kit.fixture_values import ADMIN_SECRET

pytestmark = pytest.mark.unit

QUERY = "query Odd { __typename }"


@pytest.mark.parametrize(
    "errors, code, message",
    [
        ("boom", "unknown", "no message"),
        (["boom"], "unknown", "no message"),
        ([{"message": "m", "extensions": "not-an-object"}], "unknown", "m"),
        ([{"extensions": {"code": "access-denied"}}], "access-denied", "no message"),
    ],
    ids=["errors-a-string", "errors-of-strings", "extensions-not-an-object", "no-message"],
)
def test_odd_errors_still_give_a_code_and_a_message(fake_hasura, errors, code, message):
    fake_hasura.answer("Odd", lambda variables: (200, {"errors": errors}))
    with pytest.raises(HasuraGraphQLError) as failed:
        HasuraAdminClient(fake_hasura.url, ADMIN_SECRET).execute(QUERY)
    assert (failed.value.code, failed.value.message) == (code, message)
