"""The one token-minting kit of the tests: RSA signing keys (generated per session, or moto's own), the JWKS that
publishes them, Cognito-shaped ID tokens signed with them, and forged ones."""

from __future__ import annotations

import functools
import gzip
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from jwt.utils import base64url_encode

# The kid moto publishes its one signing key under.
MOTO_KID = "dummy"
USER_POOL_ID = "us-east-1_UnitTests1"
APP_CLIENT_ID = "unit-test-app-client"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{USER_POOL_ID}"
JWKS_PATH = f"/{USER_POOL_ID}/.well-known/jwks.json"


@dataclass(frozen=True)
class SigningKey:
    """A private RSA key and the JWK that publishes its public half under `kid`."""

    kid: str
    private_key: rsa.RSAPrivateKey = field(repr=False)

    @property
    def public_jwk(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}

    @property
    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


@dataclass(frozen=True)
class MintedToken:
    """A signed ID token and the identity it carries."""

    sub: str
    email: str
    token: str = field(repr=False)


def new_signing_key(kid: str) -> SigningKey:
    """A fresh 2048-bit RSA key, published (when a test publishes it) under `kid`."""
    return SigningKey(kid=kid, private_key=rsa.generate_private_key(public_exponent=65537, key_size=2048))


@functools.cache
def moto_signing_key() -> SigningKey:
    """The RSA key moto signs every Cognito token with (shipped in the moto package, kid "dummy")."""
    packed = (resources.files("moto.cognitoidp") / "resources" / "jwks-private.json.gz").read_bytes()
    return SigningKey(kid=MOTO_KID, private_key=RSAAlgorithm.from_jwk(json.loads(gzip.decompress(packed))))


def jwks(*keys: SigningKey) -> dict[str, Any]:
    """The JWKS document publishing `keys`."""
    return {"keys": [key.public_jwk for key in keys]}


def id_claims(**overrides: Any) -> dict[str, Any]:
    """Claims of a fresh ID token of the unit-test pool and client; overrides replace (None removes)."""
    now = int(time.time())
    claims = {
        "sub": str(uuid.uuid4()),
        "email": "someone@example.com",
        "iss": ISSUER,
        "aud": APP_CLIENT_ID,
        "token_use": "id",
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def signed_token(key: SigningKey, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
    """An RS256 token signed by `key`; the header carries the key's kid unless `headers` says otherwise."""
    return jwt.encode(
        claims, key.private_key, algorithm="RS256", headers={"kid": key.kid} if headers is None else headers
    )


def unsigned_token(claims: dict[str, Any], kid: str, *, typ: str | None = "JWT") -> str:
    """A token with `alg: none` and an empty signature; typ None leaves typ out of the header, as moto does."""
    return f"{_segment(_header('none', kid, typ))}.{_segment(claims)}."


def hs256_with_public_key(key: SigningKey, claims: dict[str, Any], *, typ: str | None = "JWT") -> str:
    """The key-confusion forgery: HS256 whose HMAC secret is the pool's public key PEM.

    PyJWT refuses a PEM as an HMAC secret, which is the very mistake this token probes for, so it is
    assembled by hand.
    """
    signing_input = f"{_segment(_header('HS256', key.kid, typ))}.{_segment(claims)}"
    signature = hmac.new(key.public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64url_encode(signature).decode()}"


def _header(algorithm: str, kid: str, typ: str | None) -> dict[str, str]:
    return {"alg": algorithm, **({"typ": typ} if typ else {}), "kid": kid}


def _segment(document: dict[str, Any]) -> str:
    return base64url_encode(json.dumps(document, separators=(",", ":")).encode()).decode()
