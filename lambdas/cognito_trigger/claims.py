"""The Hasura claims namespace, as a V1 pre-token-generation response carries it."""

from __future__ import annotations

import json
from typing import Any

CLAIMS_NAMESPACE = "https://hasura.io/jwt/claims"
DEFAULT_ROLE = "user"


def hasura_claims(sub: str, chat_role: str | None) -> dict[str, Any]:
    """The x-hasura-* claims; every value but allowed-roles is a string, as Hasura requires."""
    claims: dict[str, Any] = {
        "x-hasura-user-id": sub,
        "x-hasura-default-role": DEFAULT_ROLE,
        "x-hasura-allowed-roles": [DEFAULT_ROLE],
    }
    if chat_role:
        claims["x-hasura-chat-role"] = chat_role
    return claims


def add_hasura_claims(event: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """`event` with the claims added as stringified JSON (V1 claims are strings), keeping other overrides."""
    response = event.get("response") or {}
    details = response.get("claimsOverrideDetails") or {}
    to_add = details.get("claimsToAddOrOverride") or {}
    to_add[CLAIMS_NAMESPACE] = json.dumps(claims, separators=(",", ":"))
    details["claimsToAddOrOverride"] = to_add
    response["claimsOverrideDetails"] = details
    event["response"] = response
    return event
