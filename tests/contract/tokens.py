"""Tokens for the contract suite: real ones from sign-in, hostile ones minted with moto's signing key,
and the two doors a caller presents them at (the GraphQL endpoint, and the Function URL as Hasura calls it)."""

from __future__ import annotations

import functools
import gzip
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from jwt.utils import base64url_encode

MOTO_KID = "dummy"
HTTP_TIMEOUT_SECONDS = 15
# What a real engine sends as User-Agent on action calls; the handler must not depend on it.
HASURA_USER_AGENT = "hasura-graphql-engine/v2.48.5"
ONE_HOUR = 3600


@dataclass(frozen=True)
class SignedInUser:
    """A stack user after USER_PASSWORD_AUTH: the Cognito sub and both tokens moto issued."""

    username: str
    sub: str
    id_token: str = field(repr=False)
    access_token: str = field(repr=False)


class SignInError(Exception):
    """A stack user could not sign in; the stack's users or app client are not what the suite expects."""


def sign_in(cognito_client, client_id: str, username: str, password: str) -> SignedInUser:
    """Sign a user in with USER_PASSWORD_AUTH (the flow the app client allows) and keep both tokens."""
    reply = cognito_client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    result = reply.get("AuthenticationResult")
    if not result:
        raise SignInError(
            f"sign-in of {username} returned challenge {reply.get('ChallengeName')!r} instead of tokens; "
            "the stack must create its users CONFIRMED with a permanent password"
        )
    id_token, access_token = result["IdToken"], result["AccessToken"]
    return SignedInUser(username, unverified_claims(id_token)["sub"], id_token, access_token)


def _sign_in_stack_user(local_stack, cognito_client, index: int) -> SignedInUser:
    user = local_stack.users[index]
    return sign_in(cognito_client, local_stack.client_id, user.username, user.password)


@pytest.fixture(scope="session")
def user_a(local_stack, cognito_client) -> SignedInUser:
    """The stack's first user, signed in: the owner in isolation and identity tests."""
    return _sign_in_stack_user(local_stack, cognito_client, 0)


@pytest.fixture(scope="session")
def user_b(local_stack, cognito_client) -> SignedInUser:
    """The stack's second user, signed in: the intruder in isolation and identity tests."""
    return _sign_in_stack_user(local_stack, cognito_client, 1)


def bearer(token: str) -> str:
    return f"Bearer {token}"


def unverified_claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


@functools.cache
def moto_signing_key() -> rsa.RSAPrivateKey:
    """The RSA key moto signs every Cognito token with (shipped in the moto package, kid "dummy")."""
    packed = (resources.files("moto.cognitoidp") / "resources" / "jwks-private.json.gz").read_bytes()
    return RSAAlgorithm.from_jwk(json.loads(gzip.decompress(packed)))


@functools.cache
def foreign_signing_key() -> rsa.RSAPrivateKey:
    """An RSA key that no JWKS publishes: signatures made with it must never verify."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def moto_public_key_pem() -> bytes:
    return (
        moto_signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def mint(claims: dict[str, Any], *, key: rsa.RSAPrivateKey | None = None, kid: str = MOTO_KID) -> str:
    """An RS256 token with moto's header shape ({kid, alg}, no typ), signed with moto's key unless told."""
    return jwt.encode(
        claims, key or moto_signing_key(), algorithm="RS256", headers={"kid": kid, "typ": None}
    )


def _compact(header: dict[str, Any], claims: dict[str, Any]) -> bytes:
    def encode(part: dict[str, Any]) -> bytes:
        return base64url_encode(json.dumps(part, separators=(",", ":")).encode())

    return encode(header) + b"." + encode(claims)


def mint_unsigned(claims: dict[str, Any]) -> str:
    """`alg: none` with an empty signature, kid kept so only the algorithm differs from a real token."""
    return (_compact({"alg": "none", "kid": MOTO_KID}, claims) + b".").decode()


def mint_hs256_with_public_key(claims: dict[str, Any]) -> str:
    """HS256 keyed with the published RSA public key (PEM): the classic algorithm-confusion forgery.

    PyJWT refuses a PEM as an HMAC secret, which is the very mistake this token probes for, so it is
    assembled by hand.
    """
    signing_input = _compact({"alg": "HS256", "kid": MOTO_KID}, claims)
    signature = hmac.new(moto_public_key_pem(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + base64url_encode(signature)).decode()


def _with(claims: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**claims, **changes}


def _expired(claims: dict[str, Any]) -> dict[str, Any]:
    # Two hours in the past: well beyond any clock-skew leeway a verifier may allow.
    now = int(time.time())
    return _with(claims, iat=now - 3 * ONE_HOUR, auth_time=now - 3 * ONE_HOUR, exp=now - 2 * ONE_HOUR)


def _foreign_issuer(claims: dict[str, Any]) -> str:
    pool_id = claims["iss"].rsplit("/", 1)[1]
    region = pool_id.split("_", 1)[0]
    return f"https://cognito-idp.{region}.amazonaws.com/{region}_NotThePool"


# Each case changes exactly one thing about the user's genuine ID token (or about how it is presented).
# Values are the Authorization header to send; None sends no header at all.
HOSTILE_AUTHORIZATIONS: dict[str, Callable[[SignedInUser], str | None]] = {
    "missing": lambda user: None,
    "malformed-token": lambda user: bearer("not-a-jwt"),
    "not-bearer-scheme": lambda user: f"Token {user.id_token}",
    "alg-none": lambda user: bearer(mint_unsigned(unverified_claims(user.id_token))),
    "hs256-public-key": lambda user: bearer(mint_hs256_with_public_key(unverified_claims(user.id_token))),
    "unknown-kid": lambda user: bearer(mint(unverified_claims(user.id_token), kid="not-in-the-jwks")),
    "bad-signature": lambda user: bearer(mint(unverified_claims(user.id_token), key=foreign_signing_key())),
    "expired": lambda user: bearer(mint(_expired(unverified_claims(user.id_token)))),
    "wrong-issuer": lambda user: bearer(
        mint(_with(unverified_claims(user.id_token), iss=_foreign_issuer(unverified_claims(user.id_token))))
    ),
    "wrong-audience": lambda user: bearer(mint(_with(unverified_claims(user.id_token), aud="not-the-app-client"))),
    "access-token": lambda user: bearer(user.access_token),
    "id-claims-token-use-access": lambda user: bearer(
        mint(_with(unverified_claims(user.id_token), token_use="access"))
    ),
}


def session_variables_of(sub: str) -> dict[str, str]:
    """What Hasura puts in an action body for a JWT of role user with this sub."""
    return {"x-hasura-role": "user", "x-hasura-user-id": sub}


def hasura_action_body(action: str, arguments: dict[str, Any], session_variables: dict[str, str]) -> dict[str, Any]:
    """The body Hasura POSTs to a synchronous action handler (hasura-aws-facts.md 1.1)."""
    return {
        "action": {"name": action},
        "input": arguments,
        "session_variables": session_variables,
        "request_query": f"{{ {action} }}",
    }


def post_to_function_url(
    action_url: str,
    action: str,
    arguments: dict[str, Any],
    *,
    authorization: str | None,
    session_variables: dict[str, str],
) -> requests.Response:
    """Call the handler directly, as Hasura does with forward_client_headers: true."""
    return post_raw_to_function_url(
        action_url, json.dumps(hasura_action_body(action, arguments, session_variables)), authorization
    )


def post_raw_to_function_url(action_url: str, body: str, authorization: str | None) -> requests.Response:
    headers = {"Content-Type": "application/json", "User-Agent": HASURA_USER_AGENT}
    if authorization is not None:
        headers["Authorization"] = authorization
    return requests.post(action_url, data=body.encode(), headers=headers, timeout=HTTP_TIMEOUT_SECONDS)


def post_graphql(
    graphql_url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    authorization: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST one document to the GraphQL endpoint and return the decoded reply ({data} or {errors})."""
    sent = dict(headers or {})
    if authorization is not None:
        sent["Authorization"] = authorization
    reply = requests.post(
        graphql_url, json={"query": query, "variables": variables or {}}, headers=sent, timeout=HTTP_TIMEOUT_SECONDS
    )
    # Hasura answers auth and validation errors with a JSON errors array (status 200 or 4xx); only a
    # server failure is not an answer.
    if reply.status_code >= 500:
        raise requests.HTTPError(f"GraphQL endpoint failed with HTTP {reply.status_code}", response=reply)
    return reply.json()


def error_codes(reply: dict[str, Any]) -> list[str]:
    """The extensions.code of every error in a GraphQL reply."""
    return [error.get("extensions", {}).get("code") for error in reply.get("errors", [])]


def call_action_as(action_url: str, user: SignedInUser, action: str, arguments: dict[str, Any]) -> requests.Response:
    """The action called as the engine calls it for `user`: their genuine token and session variables."""
    return post_to_function_url(
        action_url,
        action,
        arguments,
        authorization=bearer(user.id_token),
        session_variables=session_variables_of(user.sub),
    )


def create_phenom_as(action_url: str, user: SignedInUser, filenames: list[str]) -> dict[str, Any]:
    """createPhenom of an image sighting for `user`; the CreatePhenomOutput (raises on any refusal)."""
    arguments = {"input": {"lat": 51.5, "lng": -0.125, "filenames": filenames, "media_type": "image"}}
    reply = call_action_as(action_url, user, "createPhenom", arguments)
    reply.raise_for_status()
    return reply.json()


def delete_phenom_as(action_url: str, user: SignedInUser, phenom_id: str) -> requests.Response:
    """deletePhenom for `user` (as cleanup, a 404 for an already deleted phenom is fine)."""
    return call_action_as(action_url, user, "deletePhenom", {"phenomId": phenom_id})


@pytest.fixture
def leaked_phenoms(action_url) -> list[tuple[SignedInUser, str]]:
    """A list for (owner, phenom id) of phenoms a call that should be refused created anyway; deleted after the
    test, so the test's own checks still see them and one failure does not leak into the next test."""
    leaked: list[tuple[SignedInUser, str]] = []
    yield leaked
    for owner, phenom_id in leaked:
        delete_phenom_as(action_url, owner, phenom_id)
