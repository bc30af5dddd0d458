"""The three Lambdas as Terraform deploys them: name, handler, the environment variables it sets, Function URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from phenom_stack import names


@dataclass(frozen=True)
class LambdaFunction:
    """One deployed function: what the local stack needs to host it the way AWS runs it."""

    name: str
    handler: str
    environment_names: tuple[str, ...]
    function_url: bool
    timeout_seconds: int
    memory_mb: int = 256

    @property
    def arn(self) -> str:
        return names.lambda_arn(self.name)

    def environment(self, deployment: Mapping[str, str]) -> dict[str, str]:
        """The variables Terraform sets on this function, valued from the deployment's outputs."""
        return {name: deployment[name] for name in self.environment_names}


ACTION_HANDLER = LambdaFunction(
    name=names.ACTION_HANDLER_FUNCTION,
    handler="lambdas.action_handler.handler.handler",
    environment_names=(
        "APP_SECRETS_ID",
        "MEDIA_BUCKET",
        "HASURA_GRAPHQL_URL",
        "COGNITO_USER_POOL_ID",
        "COGNITO_APP_CLIENT_ID",
    ),
    function_url=True,
    # Hasura gives up on an action after 30 s (facts §1.1); a longer Lambda timeout would buy nothing.
    timeout_seconds=30,
)
COGNITO_TRIGGER = LambdaFunction(
    name=names.COGNITO_TRIGGER_FUNCTION,
    handler="lambdas.cognito_trigger.handler.handler",
    environment_names=("APP_SECRETS_ID", "HASURA_GRAPHQL_URL"),
    function_url=False,
    # Cognito waits 5 s for a trigger (facts §5.1).
    timeout_seconds=5,
)
COGNITO_SYNC_USERS = LambdaFunction(
    name=names.COGNITO_SYNC_USERS_FUNCTION,
    handler="lambdas.cognito_sync_users.handler.handler",
    environment_names=("APP_SECRETS_ID", "HASURA_GRAPHQL_URL"),
    function_url=False,
    timeout_seconds=5,
)
FUNCTIONS = (ACTION_HANDLER, COGNITO_TRIGGER, COGNITO_SYNC_USERS)
