"""Reading environment variables; each Lambda's own config module names the variables it reads."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass


class ConfigError(Exception):
    """The Lambda's environment is incomplete or malformed."""


class MissingEnvironmentVariable(ConfigError):
    """A required environment variable is unset or empty."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"environment variable {name} is not set: set it in the Lambda's environment (Terraform sets it)"
        )
        self.name = name


def read_required_env(names: Sequence[str]) -> dict[str, str]:
    """Values of every name in `names`; raises MissingEnvironmentVariable for the first one unset or empty."""
    values = {}
    for name in names:
        value = os.environ.get(name, "").strip()
        if not value:
            raise MissingEnvironmentVariable(name)
        values[name] = value
    return values


def read_optional_env(name: str) -> str | None:
    """The value of `name`, or None when it is unset or empty."""
    return os.environ.get(name, "").strip() or None


@dataclass(frozen=True)
class HasuraAccessConfig:
    """Where the admin secret lives and which Hasura endpoint it opens (the triggers' whole config)."""

    app_secrets_id: str
    graphql_url: str


def load_hasura_access_config(names: Sequence[str]) -> HasuraAccessConfig:
    """The config from the variables `names` (a trigger's, which include APP_SECRETS_ID and HASURA_GRAPHQL_URL);
    raises MissingEnvironmentVariable naming the first unset one. Both Cognito triggers read their config this way."""
    env = read_required_env(names)
    return HasuraAccessConfig(app_secrets_id=env["APP_SECRETS_ID"], graphql_url=env["HASURA_GRAPHQL_URL"])
