"""Verifying the forwarded Cognito ID token; the caller's identity comes from nowhere else."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import jwt

from lambdas.action_handler.errors import InvalidJwt

ALGORITHM = "RS256"
# Refetch the JWKS for an unknown kid at most this often, so forged kids cannot turn into a fetch per request.
JWKS_REFETCH_COOLDOWN_SECONDS = 10.0
JWKS_CACHE_SECONDS = 3600.0
JWKS_TIMEOUT_SECONDS = 5.0
_REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "token_use"]
_BEARER_FORMAT = "Authorization header must be 'Bearer <Cognito ID token>'"


class JwksUnavailable(Exception):
    """The pool's JWKS could not be fetched; check COGNITO_USER_POOL_ID and AWS_ENDPOINT_URL."""


@dataclass(frozen=True)
class Caller:
    """The signed-in user, as the verified ID token says."""

    sub: str
    email: str | None


class TokenVerifier:
    """Checks Cognito ID tokens against one pool's JWKS, issuer and app client."""

    def __init__(self, jwks_url: str, issuer: str, audience: str) -> None:
        self._jwks = jwt.PyJWKClient(
            jwks_url,
            lifespan=JWKS_CACHE_SECONDS,
            timeout=JWKS_TIMEOUT_SECONDS,
            cooldown_duration=JWKS_REFETCH_COOLDOWN_SECONDS,
        )
        self._issuer = issuer
        self._audience = audience

    def caller_from_header(self, authorization: str | None) -> Caller:
        """The caller of a request whose Authorization header is `authorization`; raises InvalidJwt."""
        return self.caller_from_token(bearer_token(authorization))

    def caller_from_token(self, token: str) -> Caller:
        """The caller named by `token` once its signature and claims check out; raises InvalidJwt."""
        kid = _checked_kid(token)
        claims = self._verified_claims(token, self._signing_key(kid))
        if claims.get("token_use") != "id":
            raise InvalidJwt("token is not an ID token (token_use must be id)")
        return Caller(sub=_sub_claim(claims), email=_optional_string_claim(claims, "email"))

    def _signing_key(self, kid: str) -> jwt.PyJWK:
        try:
            key = self._jwks.get_signing_key(kid)
        except jwt.PyJWKClientConnectionError as error:
            raise JwksUnavailable(f"could not fetch the user pool's JWKS: {error}") from None
        except (jwt.PyJWKClientError, jwt.PyJWKSetError):
            raise InvalidJwt("token kid is not a key of the user pool") from None
        if key.algorithm_name != ALGORITHM:
            raise InvalidJwt("token kid names a key that is not an RS256 key")
        return key

    def _verified_claims(self, token: str, key: jwt.PyJWK) -> dict:
        try:
            return jwt.decode(
                token,
                key=key.key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidJwt("token has expired") from None
        except jwt.InvalidAudienceError:
            raise InvalidJwt("token audience is not this app client") from None
        except jwt.InvalidIssuerError:
            raise InvalidJwt("token issuer is not this user pool") from None
        except jwt.MissingRequiredClaimError as error:
            raise InvalidJwt(f"token lacks the {error.claim} claim") from None
        except jwt.InvalidSignatureError:
            raise InvalidJwt("token signature is invalid") from None
        except jwt.InvalidTokenError:
            raise InvalidJwt("token is malformed or not yet valid") from None


def bearer_token(authorization: str | None) -> str:
    """The token of `Bearer <token>`; raises InvalidJwt when the header is missing or has another shape."""
    if not authorization:
        raise InvalidJwt("Authorization header is missing: forward the Cognito ID token as 'Bearer <token>'")
    parts = authorization.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise InvalidJwt(_BEARER_FORMAT)
    return parts[1]


def _checked_kid(token: str) -> str:
    """The token's kid, once its header says RS256; nothing is fetched for tokens refused here."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise InvalidJwt("token is malformed") from None
    if header.get("alg") != ALGORITHM:
        raise InvalidJwt("token algorithm must be RS256")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidJwt("token header has no kid")
    return kid


def _sub_claim(claims: dict) -> str:
    try:
        return str(uuid.UUID(claims["sub"]))
    except (AttributeError, TypeError, ValueError):
        raise InvalidJwt("token sub claim is not a Cognito user id") from None


def _optional_string_claim(claims: dict, name: str) -> str | None:
    value = claims.get(name)
    return value if isinstance(value, str) and value else None
