"""RSA keys generated per test session and Cognito-shaped ID tokens signed with them (plus forged ones)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

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
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key()))
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
    return SigningKey(kid=kid, private_key=rsa.generate_private_key(public_exponent=65537, key_size=2048))


def jwks(*keys: SigningKey) -> dict[str, Any]:
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


def unsigned_token(claims: dict[str, Any], kid: str) -> str:
    """A token with `alg: none` and an empty signature."""
    return f"{_segment({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{_segment(claims)}."


def hs256_with_public_key(key: SigningKey, claims: dict[str, Any]) -> str:
    """The key-confusion forgery: HS256 whose HMAC secret is the pool's public key PEM."""
    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': key.kid})}.{_segment(claims)}"
    signature = hmac.new(key.public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"


def _segment(document: dict[str, Any]) -> str:
    return _b64url(json.dumps(document).encode())


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
