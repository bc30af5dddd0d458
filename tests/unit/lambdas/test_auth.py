"""Every check of the forwarded Cognito ID token, with real RS256 keys and a JWKS served on loopback."""

from __future__ import annotations

import time

import pytest

from lambdas.action_handler import auth
from lambdas.action_handler.auth import Caller, JwksUnavailable, TokenVerifier
from lambdas.action_handler.config import ActionConfig
from lambdas.action_handler.errors import InvalidJwt
from lambdas.action_handler.services import ActionServices
from tests.kit.loopback_http import Reply
from tests.kit.tokens import (
    JWKS_PATH,
    SigningKey,
    hs256_with_public_key,
    id_claims,
    jwks,
    new_signing_key,
    signed_token,
    unsigned_token,
)

pytestmark = pytest.mark.unit


def _new_verifier(config: ActionConfig) -> TokenVerifier:
    """A fresh verifier with an empty JWKS cache, built as the handler builds it."""
    return ActionServices(config).verifier


@pytest.fixture
def verifier(action_config: ActionConfig) -> TokenVerifier:
    """A verifier of the unit-test pool, as the handler builds it."""
    return _new_verifier(action_config)


def test_valid_id_token_gives_the_caller_from_its_claims(verifier, signing_key):
    claims = id_claims(email="alice@example.com")
    caller = verifier.caller_from_header(f"Bearer {signed_token(signing_key, claims)}")
    assert caller == Caller(sub=claims["sub"], email="alice@example.com")


def test_scheme_is_case_insensitive(verifier, signing_key):
    claims = id_claims()
    assert verifier.caller_from_header(f"bearer {signed_token(signing_key, claims)}").sub == claims["sub"]


@pytest.mark.parametrize(
    "header",
    [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "Token abc.def.ghi"],
    ids=["missing", "empty", "basic-scheme", "no-token", "two-tokens", "other-scheme"],
)
def test_header_not_bearer_is_refused(verifier, header):
    with pytest.raises(InvalidJwt) as refused:
        verifier.caller_from_header(header)
    assert refused.value.message == (
        "Authorization header is missing: forward the Cognito ID token as 'Bearer <token>'"
        if not header
        else "Authorization header must be 'Bearer <Cognito ID token>'"
    )


@pytest.mark.parametrize("email", ["", 5, ["alice@example.com"]], ids=["empty", "number", "list"])
def test_an_email_claim_that_is_not_an_address_reads_as_none(verifier, signing_key, email):
    claims = id_claims(email=email)
    assert verifier.caller_from_token(signed_token(signing_key, claims)) == Caller(sub=claims["sub"], email=None)


def test_the_caller_is_the_canonical_form_of_the_sub(verifier, signing_key):
    claims = id_claims()
    assert (
        verifier.caller_from_token(signed_token(signing_key, {**claims, "sub": claims["sub"].upper()})).sub
        == (claims["sub"])
    )


def _forgeries(key: SigningKey, stranger: SigningKey) -> dict[str, str]:
    hour_ago = int(time.time()) - 3600
    return {
        "malformed": "not-a-jwt",
        "three-garbage-parts": "abc.def.ghi",
        "alg-none": unsigned_token(id_claims(), key.kid),
        "hs256-with-public-key-pem": hs256_with_public_key(key, id_claims()),
        "no-kid": signed_token(key, id_claims(), headers={}),
        "empty-kid": signed_token(key, id_claims(), headers={"kid": ""}),
        "unknown-kid": signed_token(stranger, id_claims()),
        "bad-signature": signed_token(stranger, id_claims(), headers={"kid": key.kid}),
        "expired": signed_token(key, id_claims(iat=hour_ago - 3600, exp=hour_ago)),
        "not-yet-valid": signed_token(key, id_claims(nbf=int(time.time()) + 3600)),
        "wrong-issuer": signed_token(key, id_claims(iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other")),
        "wrong-audience": signed_token(key, id_claims(aud="another-app-client")),
        "access-token": signed_token(key, id_claims(token_use="access")),
        "no-token-use": signed_token(key, id_claims(token_use=None)),
        "no-exp": signed_token(key, id_claims(exp=None)),
        "sub-not-a-user-id": signed_token(key, id_claims(sub="admin")),
    }


# What the GraphQL client is told for each: Hasura shows an action error's message as it is.
FORGERY_REASONS = {
    "malformed": "token is malformed",
    "three-garbage-parts": "token is malformed",
    "alg-none": "token algorithm must be RS256",
    "hs256-with-public-key-pem": "token algorithm must be RS256",
    "no-kid": "token header has no kid",
    "empty-kid": "token header has no kid",
    "unknown-kid": "token kid is not a key of the user pool",
    "bad-signature": "token signature is invalid",
    "expired": "token has expired",
    "not-yet-valid": "token is malformed or not yet valid",
    "wrong-issuer": "token issuer is not this user pool",
    "wrong-audience": "token audience is not this app client",
    "access-token": "token is not an ID token (token_use must be id)",
    "no-token-use": "token lacks the token_use claim",
    "no-exp": "token lacks the exp claim",
    "sub-not-a-user-id": "token sub claim is not a Cognito user id",
}


@pytest.mark.parametrize("case", FORGERY_REASONS)
def test_forged_or_unusable_token_is_refused_without_echoing_it(verifier, signing_key, stranger_key, case):
    # GIVEN a token that must not pass, for one reason
    token = _forgeries(signing_key, stranger_key)[case]
    # WHEN it is verified
    with pytest.raises(InvalidJwt) as refused:
        verifier.caller_from_header(f"Bearer {token}")
    # THEN it is a 401 invalid-jwt that names the reason and never contains the token
    assert (refused.value.status, refused.value.code, refused.value.message) == (
        401,
        "invalid-jwt",
        FORGERY_REASONS[case],
    )
    assert token not in refused.value.message


def test_tokens_refused_by_their_header_never_fetch_the_jwks(verifier, signing_key, jwks_fetches):
    for token in (
        "abc.def.ghi",
        unsigned_token(id_claims(), signing_key.kid),
        hs256_with_public_key(signing_key, id_claims()),
    ):
        with pytest.raises(InvalidJwt):
            verifier.caller_from_token(token)
    assert jwks_fetches() == 0


def test_unknown_kids_do_not_refetch_the_jwks_within_the_cooldown(verifier, signing_key, stranger_key, jwks_fetches):
    # GIVEN a verifier that has fetched the JWKS once for a valid token
    verifier.caller_from_token(signed_token(signing_key, id_claims()))
    # WHEN a burst of tokens with kids the pool does not publish arrives
    for attempt in range(5):
        with pytest.raises(InvalidJwt):
            verifier.caller_from_token(signed_token(stranger_key, id_claims(), headers={"kid": f"forged-{attempt}"}))
    # THEN the JWKS was not fetched again
    assert jwks_fetches() == 1


def test_unknown_kid_refetches_the_jwks_and_finds_a_rotated_key(
    action_config, loopback_server, signing_key, jwks_fetches, monkeypatch
):
    # GIVEN a verifier with no refetch cooldown that has cached the JWKS before the pool rotated in a new key
    monkeypatch.setattr(auth, "JWKS_REFETCH_COOLDOWN_SECONDS", 0.0)
    verifier = _new_verifier(action_config)
    verifier.caller_from_token(signed_token(signing_key, id_claims()))
    rotated = new_signing_key("rotated-key")
    loopback_server.route("GET", JWKS_PATH, lambda request: Reply(200, jwks(signing_key, rotated)))
    # WHEN a token signed with the new key arrives
    claims = id_claims()
    caller = verifier.caller_from_token(signed_token(rotated, claims))
    # THEN the JWKS was fetched once more and the token accepted
    assert (caller.sub, jwks_fetches()) == (claims["sub"], 2)


def test_unreachable_jwks_is_not_blamed_on_the_token(action_config, loopback_server, signing_key):
    loopback_server.route("GET", JWKS_PATH, lambda request: Reply(503, {"message": "unavailable"}))
    verifier = _new_verifier(action_config)
    with pytest.raises(JwksUnavailable):
        verifier.caller_from_token(signed_token(signing_key, id_claims()))


def test_jwks_key_of_another_algorithm_is_refused(action_config, loopback_server, signing_key):
    loopback_server.route(
        "GET", JWKS_PATH, lambda request: Reply(200, {"keys": [{**signing_key.public_jwk, "alg": "RS512"}]})
    )
    verifier = _new_verifier(action_config)
    with pytest.raises(InvalidJwt, match="^token kid names a key that is not an RS256 key$"):
        verifier.caller_from_token(signed_token(signing_key, id_claims()))


def test_a_jwks_that_does_not_answer_is_given_up_on_after_the_jwks_timeout(
    action_config, loopback_server, signing_key, monkeypatch
):
    # GIVEN a JWKS endpoint that holds its answer, and a JWKS timeout short enough not to slow the suite
    monkeypatch.setattr(auth, "JWKS_TIMEOUT_SECONDS", 0.2)
    loopback_server.route("GET", JWKS_PATH, lambda request: Reply(200, jwks(signing_key), held=True))
    verifier = _new_verifier(action_config)
    # WHEN a token arrives  THEN the verifier stops waiting and blames the pool's JWKS, not the token
    with pytest.raises(JwksUnavailable, match="^could not fetch the user pool's JWKS: "):
        verifier.caller_from_token(signed_token(signing_key, id_claims()))
