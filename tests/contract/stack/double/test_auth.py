"""The engine double authenticates like Hasura in JWT mode: same codes and messages, HTTP 200 on /v1/graphql."""

from __future__ import annotations

import json
import time

import pytest
import requests

from tests.contract.stack.double.jwt_secret import AUDIENCE, CLAIMS_NAMESPACE, JWKS_PATH, jwt_config
from tests.kit.loopback_http import LoopbackServer, Reply
from tests.kit.tokens import jwks, new_signing_key, signed_token

pytestmark = pytest.mark.contract

OWN_USER_QUERY = "{ users { id } }"


def _bearer(token: str, **headers) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def _error(result: dict) -> tuple[str, str]:
    assert "data" not in result, result
    [error] = result["errors"]
    return error["extensions"]["code"], error["message"]


def test_valid_token_gets_the_user_role_and_its_rows(hasura_double, mint_token, seeded_users):
    result = hasura_double.graphql(OWN_USER_QUERY, headers=_bearer(mint_token(seeded_users.alice)))
    assert result == {"data": {"users": [{"id": seeded_users.alice}]}}


def test_role_header_must_be_an_allowed_role(hasura_double, mint_token, seeded_users):
    token = mint_token(seeded_users.alice)
    result = hasura_double.graphql(OWN_USER_QUERY, headers=_bearer(token, **{"x-hasura-role": "admin"}))
    assert _error(result) == ("access-denied", "Your requested role is not in allowed roles")


STRANGER = new_signing_key("double-test-key")
UNKNOWN_KID = new_signing_key("unknown-kid")


@pytest.mark.parametrize(
    ("case", "token_args", "expected"),
    [
        ("expired", {"exp": int(time.time()) - 60}, ("invalid-jwt", "Could not verify JWT: JWTExpired")),
        ("bad signature", {"key": STRANGER}, ("invalid-jwt", "Could not verify JWT: JWSError JWSInvalidSignature")),
        ("unknown kid", {"key": UNKNOWN_KID}, ("invalid-jwt", "Could not verify JWT: JWSError NoUsableKeys")),
        ("wrong audience", {"aud": "someone-else"}, ("invalid-jwt", "Could not verify JWT: JWTNotInAudience")),
        ("wrong issuer", {"iss": "https://evil.example"}, ("invalid-jwt", "Could not verify JWT: JWTNotInIssuer")),
        (
            "namespace missing",
            {"drop": (CLAIMS_NAMESPACE,)},
            ("jwt-invalid-claims", f"claims key: '{CLAIMS_NAMESPACE}' not found"),
        ),
        (
            "no default role",
            {"hasura_claims": {"x-hasura-allowed-roles": ["user"], "x-hasura-user-id": "u"}},
            ("jwt-missing-role-claims", "JWT claim does not contain x-hasura-default-role"),
        ),
        (
            "no allowed roles",
            {"hasura_claims": {"x-hasura-default-role": "user"}},
            ("jwt-missing-role-claims", "JWT claim does not contain x-hasura-allowed-roles"),
        ),
        (
            "default role not allowed",
            {"hasura_claims": {"x-hasura-default-role": "admin", "x-hasura-allowed-roles": ["user"]}},
            ("access-denied", "Your current role is not in allowed roles"),
        ),
        (
            "non-string claim",
            {
                "hasura_claims": {
                    "x-hasura-default-role": "user",
                    "x-hasura-allowed-roles": ["user"],
                    "x-hasura-user-id": 7,
                }
            },
            ("jwt-invalid-claims", "x-hasura-* claims: parsing Text failed, expected String, but encountered Number"),
        ),
    ],
)
def test_token_problems_map_to_hasura_errors(hasura_double, mint_token, case, token_args, expected):
    result = hasura_double.graphql(OWN_USER_QUERY, headers=_bearer(mint_token("u-1", **token_args)))
    assert _error(result) == expected, case


def test_claims_that_are_not_stringified_json(hasura_double, double_signing_key):
    payload = {
        "sub": "u",
        "aud": AUDIENCE,
        "exp": int(time.time()) + 60,
        CLAIMS_NAMESPACE: {"x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user"]},
    }
    token = signed_token(double_signing_key, payload)
    result = hasura_double.graphql(OWN_USER_QUERY, headers=_bearer(token))
    assert _error(result) == ("jwt-invalid-claims", "expecting a string when claims_format is stringified_json")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, ("invalid-headers", "Missing 'Authorization' or 'Cookie' header in JWT authentication mode")),
        ({"Authorization": "Token abc"}, ("invalid-headers", "Malformed Authorization header")),
        ({"Authorization": "Bearer"}, ("invalid-headers", "Malformed Authorization header")),
        ({"x-hasura-admin-secret": "wrong"}, ("access-denied", "invalid x-hasura-admin-secret/x-hasura-access-key")),
    ],
)
def test_header_problems_map_to_hasura_errors(hasura_double, headers, expected):
    assert _error(hasura_double.graphql(OWN_USER_QUERY, headers=headers)) == expected


def test_malformed_token_is_invalid_jwt(hasura_double):
    code, message = _error(hasura_double.graphql(OWN_USER_QUERY, headers=_bearer("not.a-token")))
    assert code == "invalid-jwt"
    assert message.startswith("Could not verify JWT: JWSError")


def test_claims_reach_the_session(hasura_double, mint_token, action_handler):
    # GIVEN a token with an extra x-hasura claim
    claims = {
        "x-hasura-default-role": "user",
        "x-hasura-allowed-roles": ["user", "editor"],
        "x-hasura-user-id": "u-42",
        "X-Hasura-Chat-Role": "member",
        "not-hasura": "dropped",
    }
    action_handler.reply(200, [])
    # WHEN it calls an action
    hasura_double.graphql("{ getPhenoms { id } }", headers=_bearer(mint_token("u-42", hasura_claims=claims)))
    # THEN the handler sees Hasura's session variables: x-hasura-* claims minus the role lists, plus the role
    assert action_handler.calls[0].body["session_variables"] == {
        "x-hasura-user-id": "u-42",
        "x-hasura-chat-role": "member",
        "x-hasura-role": "user",
    }


def test_admin_secret_session_variables(hasura_double, action_handler):
    action_handler.reply(200, [])
    hasura_double.graphql("{ getPhenoms { id } }", headers=hasura_double.as_user("u-7"))
    assert action_handler.calls[0].body["session_variables"] == {"x-hasura-role": "user", "x-hasura-user-id": "u-7"}
    assert json.dumps(action_handler.calls[0].body).find(hasura_double.admin_secret) == -1


ROTATION_TIMEOUT_SECONDS = 10.0


def test_a_jwks_without_cache_headers_is_refetched_so_a_rotated_key_is_accepted(
    start_double, double_signing_key, mint_token
):
    # GIVEN a JWKS that answers without Cache-Control or Expires (as moto's does), publishing the old key
    rotated = new_signing_key("rotated-key")
    published = [double_signing_key]
    with LoopbackServer() as server:
        server.route("GET", JWKS_PATH, lambda request: Reply(200, jwks(*published)))
        double, endpoints = start_double({"HASURA_GRAPHQL_JWT_SECRET": json.dumps(jwt_config(server.url + JWKS_PATH))})
        try:
            token = mint_token("u-rot", key=rotated)
            query = {"query": "{ __typename }"}
            first = requests.post(endpoints.graphql_url, json=query, headers=_bearer(token), timeout=5).json()
            # WHEN the JWKS starts publishing the new key
            published[:] = [rotated]
            deadline = time.monotonic() + ROTATION_TIMEOUT_SECONDS
            answer = first
            while "errors" in answer and time.monotonic() < deadline:
                answer = requests.post(endpoints.graphql_url, json=query, headers=_bearer(token), timeout=5).json()
        finally:
            double.stop()
    # THEN the new key was unknown at first and is accepted once refetched (Hasura's one-second floor)
    assert first["errors"][0]["extensions"]["code"] == "invalid-jwt"
    assert answer == {"data": {"__typename": "query_root"}}
