"""The trigger's environment: the only place it reads environment variables."""

from __future__ import annotations

from lambdas.shared.config import HasuraAccessConfig, read_required_env

REQUIRED_ENV = ("APP_SECRETS_ID", "HASURA_GRAPHQL_URL")
OPTIONAL_ENV: tuple[str, ...] = ()


def load_config() -> HasuraAccessConfig:
    """The config from the environment; raises MissingEnvironmentVariable naming the first unset variable."""
    env = read_required_env(REQUIRED_ENV)
    return HasuraAccessConfig(app_secrets_id=env["APP_SECRETS_ID"], graphql_url=env["HASURA_GRAPHQL_URL"])
