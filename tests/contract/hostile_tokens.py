"""Hostile tokens: each differs from a user's genuine ID token in one way, minted with moto's own signing key
where a valid signature is part of the trick."""

from __future__ import annotations

import functools
import gzip
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from importlib import resources
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from jwt.utils import base64url_encode

from tests.contract.backend_calls import bearer
from tests.contract.sign_in import SignedInUser, unverified_claims

MOTO_KID = "dummy"
ONE_HOUR = 3600


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
    return jwt.encode(claims, key or moto_signing_key(), algorithm="RS256", headers={"kid": kid, "typ": None})


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
