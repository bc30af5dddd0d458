"""Hostile tokens: each differs from a user's genuine ID token in one way, minted with moto's own signing key
where a valid signature is part of the trick."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from tests.contract.backend_calls import bearer
from tests.contract.sign_in import SignedInUser, unverified_claims
from tests.kit.tokens import (
    MOTO_KID,
    SigningKey,
    hs256_with_public_key,
    moto_signing_key,
    new_signing_key,
    signed_token,
    unsigned_token,
)

ONE_HOUR = 3600


@functools.cache
def foreign_signing_key() -> SigningKey:
    """An RSA key that no JWKS publishes, under moto's kid: signatures made with it must never verify."""
    return new_signing_key(MOTO_KID)


def mint(claims: dict[str, Any], *, key: SigningKey | None = None, kid: str = MOTO_KID) -> str:
    """An RS256 token with moto's header shape ({kid, alg}, no typ), signed with moto's key unless told."""
    return signed_token(key or moto_signing_key(), claims, headers={"kid": kid, "typ": None})


def mint_unsigned(claims: dict[str, Any]) -> str:
    """`alg: none` with an empty signature, kid kept so only the algorithm differs from a real token."""
    return unsigned_token(claims, MOTO_KID, typ=None)


def mint_hs256_with_public_key(claims: dict[str, Any]) -> str:
    """HS256 keyed with moto's published RSA public key (PEM): the classic algorithm-confusion forgery."""
    return hs256_with_public_key(moto_signing_key(), claims, typ=None)


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
