"""The HASURA_GRAPHQL_JWT_SECRET the double's tests configure, and the audience, issuer and JWKS path it names
(the keys and tokens come from tests/kit/tokens.py)."""

from __future__ import annotations

CLAIMS_NAMESPACE = "https://hasura.io/jwt/claims"
AUDIENCE = "double-test-client"
ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_doubletest"
KEY_ID = "double-test-key"
JWKS_PATH = "/.well-known/jwks.json"


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
