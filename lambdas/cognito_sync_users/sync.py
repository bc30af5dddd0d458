"""Upserting a Cognito user into users through Hasura admin, within a fixed time budget."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from lambdas.cognito_sync_users.columns import USERS_INSERT_INPUT, scalar_columns
from lambdas.cognito_sync_users.config import load_config
from lambdas.cognito_sync_users.mapping import build_upsert_document, user_row
from lambdas.shared.aws import ClientSettings
from lambdas.shared.deadline import Deadline
from lambdas.shared.hasura import HasuraAdminClient, admin_client
from lambdas.shared.log import get_logger

# Cognito gives the trigger 5 s and refuses the sign-in when it runs out; stay well inside it.
SYNC_BUDGET_SECONDS = 3.0
SECRETS_SETTINGS = ClientSettings(connect_timeout=1.0, read_timeout=1.0, max_attempts=1)
HASURA_TIMEOUT_SECONDS = 1.0

log = get_logger("cognito_sync_users")


class MissingUserId(ValueError):
    """The trigger event's attributes have no `sub`, so there is no row to write."""


@functools.cache
def users_columns(hasura: HasuraAdminClient) -> Mapping[str, str]:
    """The users columns and their scalar types, introspected once per container."""
    return scalar_columns(hasura.execute(USERS_INSERT_INPUT))


def sync_user(attributes: Mapping[str, str]) -> list[str]:
    """Upsert the user the attributes describe; the columns written."""
    deadline = Deadline(SYNC_BUDGET_SECONDS)
    config = load_config()
    hasura = admin_client(config.app_secrets_id, config.graphql_url, SECRETS_SETTINGS, HASURA_TIMEOUT_SECONDS)
    row, skipped = user_row(attributes, users_columns(hasura))
    if "id" not in row:
        raise MissingUserId("the event's userAttributes have no usable sub")
    columns = sorted(row)
    hasura.execute(build_upsert_document(columns), {"user": row}, timeout=deadline.remaining())
    log.info("user synced", user_id=row["id"], columns=columns, skipped_attributes=skipped)
    return columns
