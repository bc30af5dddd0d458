"""The optional chat role of a user, looked up within a fixed budget so sign-in never waits long."""

from __future__ import annotations

from lambdas.cognito_trigger.config import load_config
from lambdas.shared.aws import ClientSettings
from lambdas.shared.deadline import Deadline
from lambdas.shared.documents import load_document
from lambdas.shared.hasura import admin_client
from lambdas.shared.log import get_logger

CHAT_ROLE = load_document(__file__, "chat_role")
# Cognito gives the whole trigger 5 s; the lookup gets a small slice of it, secret fetch included.
LOOKUP_BUDGET_SECONDS = 1.5
SECRETS_SETTINGS = ClientSettings(connect_timeout=0.5, read_timeout=0.5, max_attempts=1)

log = get_logger("cognito_trigger")


def chat_role(sub: str) -> str | None:
    """The user's chat role, or None when they have none or the lookup fails or runs out of time."""
    try:
        deadline = Deadline(LOOKUP_BUDGET_SECONDS)
        config = load_config()
        hasura = admin_client(config.app_secrets_id, config.graphql_url, SECRETS_SETTINGS)
        member = hasura.execute(CHAT_ROLE, {"id": sub}, timeout=deadline.remaining())["chat_members_by_pk"]
    except Exception as error:
        log.warning("chat role lookup failed; issuing the token without one", error=f"{type(error).__name__}: {error}")
        return None
    role = member.get("role") if isinstance(member, dict) else None
    return role if isinstance(role, str) and role else None
