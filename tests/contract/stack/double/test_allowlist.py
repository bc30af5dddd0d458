"""The allow-list on the engine double, as production runs Hasura (HASURA_GRAPHQL_ENABLE_ALLOWLIST=true): a user runs
the app's operations only, admin anything. That the collection is the client's documents is a unit test
(tests/unit/client/test_allowlist.py)."""

from __future__ import annotations

import uuid

import pytest

from phenom_client.documents import document_source
from phenom_stack.hasura_project import apply_metadata

pytestmark = pytest.mark.contract

NOT_ALLOWED = [{"message": "query is not allowed", "extensions": {"path": "$", "code": "validation-failed"}}]
# The amplification the allow-list bounds: one request selecting the same deep path a thousand times.
ALIASES = 1000
AMPLIFIED = "{ " + " ".join(f"a{n}: phenoms {{ media {{ phenom {{ id }} }} }}" for n in range(ALIASES)) + " }"


@pytest.fixture(scope="module")
def allowlisted_double(start_double, hasura_double, project_metadata):
    """A double with the allow-list enabled and the project's metadata (on the migrated test database)."""
    double, endpoints = start_double({"HASURA_GRAPHQL_ENABLE_ALLOWLIST": "true"})
    try:
        apply_metadata(endpoints.metadata_url, endpoints.admin_secret, project_metadata)
        yield endpoints
    finally:
        double.stop()


@pytest.mark.parametrize(
    "query",
    ["{ phenoms { id } }", AMPLIFIED, "query getPhenoms { getPhenoms { id } }"],
    ids=["table", "aliases", "edited"],
)
def test_an_operation_outside_the_list_is_refused_for_a_user(allowlisted_double, query):
    user = allowlisted_double.as_user(str(uuid.uuid4()))
    assert allowlisted_double.graphql(query, headers=user) == {"errors": NOT_ALLOWED}


def test_a_listed_operation_runs_for_a_user_however_it_is_formatted(allowlisted_double, action_handler):
    user = allowlisted_double.as_user(str(uuid.uuid4()))
    # The client's own document, with its whitespace and commas changed: the allow-list compares parsed documents.
    reformatted = " ".join(document_source("getPhenoms").split()).replace("id lat", "id, lat")
    for query in (document_source("getPhenoms"), reformatted):
        action_handler.reply(200, [])
        assert allowlisted_double.graphql(query, {"limit": 1}, headers=user) == {"data": {"getPhenoms": []}}


def test_admin_is_exempt(allowlisted_double):
    # Admin requests (the Lambdas' own operations) are never checked against the list.
    assert "data" in allowlisted_double.graphql("{ phenoms(limit: 1) { id } }")
    assert allowlisted_double.graphql("{ __typename }") == {"data": {"__typename": "query_root"}}
