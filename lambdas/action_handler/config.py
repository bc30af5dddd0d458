"""The action handler's environment: the only place it reads environment variables."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lambdas.registry import ACTION_HANDLER
from lambdas.shared.config import ConfigError, read_optional_env, read_required_env

_USER_POOL_ID = re.compile(r"^(?P<region>[a-z]{2}(-[a-z]+)+-\d+)_[A-Za-z0-9]+$")


@dataclass(frozen=True)
class ActionConfig:
    """Everything the action handler is told by its environment."""

    app_secrets_id: str
    media_bucket: str
    graphql_url: str
    user_pool_id: str
    app_client_id: str
    aws_endpoint_url: str | None = None

    @property
    def pool_region(self) -> str:
        """The pool's region, which Cognito writes at the start of every pool id."""
        match = _USER_POOL_ID.match(self.user_pool_id)
        if not match:
            raise ConfigError(f"COGNITO_USER_POOL_ID {self.user_pool_id!r} is not a pool id like us-east-1_AbC123")
        return match["region"]

    @property
    def issuer(self) -> str:
        """The `iss` of the pool's tokens (moto issues the same AWS-style value)."""
        return f"https://cognito-idp.{self.pool_region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        """The pool's JWKS, served by AWS or, for local runs, by the endpoint override."""
        base = (self.aws_endpoint_url or f"https://cognito-idp.{self.pool_region}.amazonaws.com").rstrip("/")
        return f"{base}/{self.user_pool_id}/.well-known/jwks.json"


def load_config() -> ActionConfig:
    """The config from the environment; raises MissingEnvironmentVariable naming the first unset variable."""
    env = read_required_env(ACTION_HANDLER.environment)
    return ActionConfig(
        app_secrets_id=env["APP_SECRETS_ID"],
        media_bucket=env["MEDIA_BUCKET"],
        graphql_url=env["HASURA_GRAPHQL_URL"],
        user_pool_id=env["COGNITO_USER_POOL_ID"],
        app_client_id=env["COGNITO_APP_CLIENT_ID"],
        aws_endpoint_url=read_optional_env("AWS_ENDPOINT_URL"),
    )
