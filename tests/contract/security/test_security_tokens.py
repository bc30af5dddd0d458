"""Every bad token is refused at both doors (GraphQL endpoint and Function URL) and changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests

from tests.contract.backend_calls import bearer, error_codes, post_graphql, post_to_function_url, session_variables_of
from tests.contract.hostile_tokens import HOSTILE_AUTHORIZATIONS, mint
from tests.contract.sign_in import unverified_claims

pytestmark = pytest.mark.contract

CREATE_PHENOM = """
mutation CreatePhenom($input: CreatePhenomInput!) {
  createPhenom(input: $input) { phenomId }
}
"""
GET_PHENOMS = "query GetPhenoms { getPhenoms(limit: 1) { id } }"
CREATE_ARGUMENTS = {"input": {"lat": 12.5, "lng": -45.25, "filenames": ["token-probe.jpg"], "media_type": "image"}}

# Hasura's codes (hasura-aws-facts.md 2.2, 2.3). An access token carries no `aud` and no Hasura claims: an
# engine that skips the audience check for a token without `aud` refuses it for the missing claims instead.
# Hasura does not look at token_use, so an ID token relabelled `access` passes the engine and the handler's
# invalid-jwt refusal reaches the client verbatim.
GRAPHQL_CODES = {
    "missing": {"invalid-headers"},
    "not-bearer-scheme": {"invalid-headers"},
    "access-token": {"invalid-jwt", "jwt-invalid-claims"},
}
DEFAULT_GRAPHQL_CODES = {"invalid-jwt"}
# The cases that present something that could be echoed back.
PRESENTED_TOKENS = [case for case in HOSTILE_AUTHORIZATIONS if case != "missing"]


@pytest.fixture
def graphql_create(graphql_url, user_a, leaked_phenoms) -> Callable[[str | None], dict]:
    """createPhenom through the engine with a given Authorization header; the decoded reply."""

    def create(authorization: str | None) -> dict:
        reply = post_graphql(graphql_url, CREATE_PHENOM, CREATE_ARGUMENTS, authorization=authorization)
        created = ((reply.get("data") or {}).get("createPhenom") or {}).get("phenomId")
        if created:
            leaked_phenoms.append((user_a, created))
        return reply

    return create


@pytest.fixture
def function_url_create(action_url, user_a, leaked_phenoms) -> Callable[[str | None], requests.Response]:
    """createPhenom on the Function URL with a given Authorization header and user A's session variables."""

    def create(authorization: str | None) -> requests.Response:
        reply = post_to_function_url(
            action_url,
            "createPhenom",
            CREATE_ARGUMENTS,
            authorization=authorization,
            session_variables=session_variables_of(user_a.sub),
        )
        if reply.ok:
            leaked_phenoms.append((user_a, reply.json()["phenomId"]))
        return reply

    return create


def test_genuine_id_token_is_accepted_by_graphql_endpoint(graphql_url, user_a):
    # GIVEN the ID token moto issued at sign-in (the control every refusal below is measured against)
    # WHEN it reads the caller's phenoms
    reply = post_graphql(graphql_url, GET_PHENOMS, authorization=bearer(user_a.id_token))
    # THEN the engine answers with data
    assert "errors" not in reply, f"genuine ID token refused: {error_codes(reply)}"


def test_reminted_id_token_is_accepted_by_graphql_endpoint(graphql_url, user_a):
    # GIVEN the genuine claims re-signed with moto's key, as every hostile token below is minted
    token = mint(unverified_claims(user_a.id_token))
    # WHEN it reads the caller's phenoms
    reply = post_graphql(graphql_url, GET_PHENOMS, authorization=bearer(token))
    # THEN it is accepted, so each hostile case is refused for the one thing it changes
    assert "errors" not in reply, f"re-minted copy of the genuine token refused: {error_codes(reply)}"


def test_reminted_id_token_is_accepted_by_function_url(action_url, user_a):
    token = mint(unverified_claims(user_a.id_token))
    reply = post_to_function_url(
        action_url,
        "getPhenoms",
        {"limit": 1},
        authorization=bearer(token),
        session_variables=session_variables_of(user_a.sub),
    )
    assert reply.status_code == 200, f"re-minted copy of the genuine token refused with HTTP {reply.status_code}"


@pytest.mark.parametrize("case", HOSTILE_AUTHORIZATIONS)
def test_graphql_endpoint_refuses_token(case, user_a, graphql_create):
    # GIVEN a token that differs from the genuine one in one way
    authorization = HOSTILE_AUTHORIZATIONS[case](user_a)
    # WHEN it asks the engine to create a phenom
    reply = graphql_create(authorization)
    # THEN the engine refuses with its own auth error code and no data
    expected = GRAPHQL_CODES.get(case, DEFAULT_GRAPHQL_CODES)
    codes = error_codes(reply)
    assert codes and set(codes) <= expected, f"{case}: expected error codes in {sorted(expected)}, got {codes}"
    assert not reply.get("data"), f"{case}: refused request still returned data"


@pytest.mark.parametrize("case", HOSTILE_AUTHORIZATIONS)
def test_graphql_endpoint_refusal_writes_nothing(case, user_a, graphql_create, store_changes):
    authorization = HOSTILE_AUTHORIZATIONS[case](user_a)
    changes = store_changes(lambda: graphql_create(authorization))
    assert not changes, f"{case}: refused createPhenom changed the stores:\n{changes}"


@pytest.mark.parametrize("case", HOSTILE_AUTHORIZATIONS)
def test_function_url_refuses_token_with_401_invalid_jwt(case, user_a, function_url_create):
    # GIVEN a body exactly as Hasura would send it for the genuine user, but a hostile Authorization header
    authorization = HOSTILE_AUTHORIZATIONS[case](user_a)
    # WHEN it reaches the public Function URL directly
    reply = function_url_create(authorization)
    # THEN the handler refuses with a Hasura-shaped 401
    assert reply.status_code == 401, f"{case}: expected HTTP 401, got {reply.status_code}"
    body = reply.json()
    assert isinstance(body.get("message"), str), f"{case}: error has no string message"
    assert body.get("extensions", {}).get("code") == "invalid-jwt", f"{case}: code {body.get('extensions')}"


@pytest.mark.parametrize("case", PRESENTED_TOKENS)
def test_function_url_refusal_never_echoes_the_token(case, user_a, function_url_create):
    authorization = HOSTILE_AUTHORIZATIONS[case](user_a)
    reply = function_url_create(authorization)
    fragments = [part for part in authorization.split(" ")[-1].split(".") if len(part) > 8]
    assert fragments, f"{case}: nothing to look for (the case presents no token text)"
    assert not any(fragment in reply.text for fragment in fragments), f"{case}: refusal echoes part of the token"


@pytest.mark.parametrize("case", HOSTILE_AUTHORIZATIONS)
def test_function_url_refusal_writes_nothing(case, user_a, function_url_create, store_changes):
    authorization = HOSTILE_AUTHORIZATIONS[case](user_a)
    changes = store_changes(lambda: function_url_create(authorization))
    assert not changes, f"{case}: refused createPhenom changed the stores:\n{changes}"
