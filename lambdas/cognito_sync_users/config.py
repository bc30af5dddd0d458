"""The sync Lambda's environment: the only place it reads environment variables."""

from __future__ import annotations

from lambdas.registry import COGNITO_SYNC_USERS
from lambdas.shared.config import HasuraAccessConfig, load_hasura_access_config


def load_config() -> HasuraAccessConfig:
    """The config from the variables the registry names; raises MissingEnvironmentVariable for the first unset one."""
    return load_hasura_access_config(COGNITO_SYNC_USERS.environment)
