"""Lambda entry point of the pre-token-generation trigger (`lambdas.cognito_trigger.handler.handler`)."""

from __future__ import annotations

from typing import Any

from lambdas.cognito_trigger.chat_role import chat_role
from lambdas.cognito_trigger.claims import add_hasura_claims, hasura_claims
from lambdas.shared.log import bind_request_id, get_logger, request_id_from

log = get_logger("cognito_trigger")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The event with the Hasura claims added; any failure is logged and the event returned, never raised."""
    with bind_request_id(request_id_from(context)):
        try:
            sub = event["request"]["userAttributes"]["sub"]
            claims = hasura_claims(sub, chat_role(sub))
            log.info(
                "hasura claims added",
                trigger_source=event.get("triggerSource"),
                chat_role=claims.get("x-hasura-chat-role"),
            )
            return add_hasura_claims(event, claims)
        except Exception:
            # A raised error would make Cognito refuse the sign-in; a token without claims only fails at Hasura.
            log.exception("could not add hasura claims", trigger_source=event.get("triggerSource"))
            return event
