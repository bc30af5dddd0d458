"""Lambda entry point of the users sync trigger (`lambdas.cognito_sync_users.handler.handler`)."""

from __future__ import annotations

from typing import Any

from lambdas.cognito_sync_users.sync import sync_user
from lambdas.shared.log import bind_request_id, get_logger, request_id_from

log = get_logger("cognito_sync_users")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The event, unchanged; the upsert's failures are logged, never raised (that would block the sign-in)."""
    with bind_request_id(request_id_from(context)):
        try:
            sync_user(event["request"]["userAttributes"])
        except Exception:
            log.exception("user sync failed", trigger_source=event.get("triggerSource"))
        return event
