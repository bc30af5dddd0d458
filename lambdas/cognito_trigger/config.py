"""The trigger's environment: the only place it reads environment variables."""

from __future__ import annotations

from lambdas.registry import COGNITO_TRIGGER
from lambdas.shared.config import HasuraAccessConfig, load_hasura_access_config


def load_config() -> HasuraAccessConfig:
    """The config from the variables the registry names; raises MissingEnvironmentVariable for the first unset one."""
    return load_hasura_access_config(COGNITO_TRIGGER.environment)
