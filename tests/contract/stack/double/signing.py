"""The JWT world the double's tests configure: RSA signing keys, the JWKS that publishes them and the
HASURA_GRAPHQL_JWT_SECRET that points at it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLAIMS_NAMESPACE = "https://hasura.io/jwt/claims"
AUDIENCE = "double-test-client"
ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_doubletest"
KEY_ID = "double-test-key"
JWKS_PATH = "/.well-known/jwks.json"


@dataclass(frozen=True)
class SigningKey:
    """An RSA key pair published (or not) in the test JWKS under `kid`."""

    kid: str
    private_key: rsa.RSAPrivateKey = field(repr=False)

    def public_jwk(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}


def new_key(kid: str) -> SigningKey:
    """A fresh 2048-bit RSA signing key."""
    return SigningKey(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048))


def jwks(keys: list[SigningKey]) -> dict:
    """The JWKS document publishing `keys`."""
    return {"keys": [key.public_jwk() for key in keys]}


def jwt_config(jwks_url: str) -> dict:
    """HASURA_GRAPHQL_JWT_SECRET as the project configures it, for the test JWKS."""
    return {
        "type": "RS256",
        "jwk_url": jwks_url,
        "claims_namespace": CLAIMS_NAMESPACE,
        "claims_format": "stringified_json",
        "audience": AUDIENCE,
        "issuer": ISSUER,
    }
