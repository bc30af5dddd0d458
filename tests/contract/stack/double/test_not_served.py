"""What the double's schema advertises as Hasura does but the double does not serve is refused by name, as
`not-supported`, rather than failing inside the double; a subscription over HTTP is refused as Hasura refuses it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.contract

NOT_SERVED = {
    "update-many": (
        'mutation { update_phenoms_many(updates: [{where: {id: {_is_null: true}}, _set: {media_type: "x"}}]) '
        "{ affected_rows } }",
        "update_phenoms_many",
    ),
    "aggregate-predicate": (
        "query { phenoms(where: {media_aggregate: {count: {predicate: {_gt: 0}}}}) { id } }",
        "media_aggregate",
    ),
}


@pytest.mark.parametrize("case", NOT_SERVED)
def test_advertised_but_not_served_is_refused_naming_it(case, hasura_double):
    document, name = NOT_SERVED[case]
    result = hasura_double.graphql(document)
    assert "data" not in result, result
    [error] = result["errors"]
    assert error["extensions"]["code"] == "not-supported"
    assert name in error["message"]


def test_a_subscription_over_http_is_refused(hasura_double):
    result = hasura_double.graphql("subscription { phenoms { id } }")
    assert result["errors"][0]["message"] == "subscriptions are not supported over HTTP, use websockets instead"


def test_the_cached_directive_is_accepted_and_ignored(hasura_double):
    result = hasura_double.graphql("query @cached(ttl: 5) { phenoms(limit: 1) { id } }")
    assert "errors" not in result and isinstance(result["data"]["phenoms"], list), result
