"""The three Lambdas as the shared brief defines them: module, handler, zip and environment variables."""

from __future__ import annotations

from dataclasses import dataclass

# Read by the Lambdas but never set by Terraform: the runtime sets AWS_REGION, and AWS_ENDPOINT_URL
# only points local runs at moto.
RUNTIME_ENVIRONMENT = frozenset({"AWS_REGION", "AWS_ENDPOINT_URL"})


@dataclass(frozen=True)
class LambdaContract:
    """One Lambda: where infra/ declares it and what it runs."""

    package: str
    module: str
    name_suffix: str
    environment: frozenset[str]

    @property
    def handler(self) -> str:
        """Dotted handler path inside the zip."""
        return f"lambdas.{self.package}.handler.handler"

    @property
    def zip_name(self) -> str:
        """File the build writes under dist/lambdas/."""
        return f"{self.package}.zip"

    def function_name(self, name_prefix: str) -> str:
        """Function name in the environment with that prefix."""
        return f"{name_prefix}-{self.name_suffix}"


ACTION_HANDLER = LambdaContract(
    package="action_handler",
    module="action_handler",
    name_suffix="hasura-action-phenom-handler",
    environment=frozenset(
        {"APP_SECRETS_ID", "MEDIA_BUCKET", "HASURA_GRAPHQL_URL", "COGNITO_USER_POOL_ID", "COGNITO_APP_CLIENT_ID"}
    ),
)
COGNITO_TRIGGER = LambdaContract(
    package="cognito_trigger",
    module="cognito_trigger",
    name_suffix="hasura-cognito-trigger",
    environment=frozenset({"APP_SECRETS_ID", "HASURA_GRAPHQL_URL"}),
)
COGNITO_SYNC_USERS = LambdaContract(
    package="cognito_sync_users",
    module="cognito_sync_users",
    name_suffix="hasura-cognito-sync-users",
    environment=frozenset({"APP_SECRETS_ID", "HASURA_GRAPHQL_URL"}),
)
LAMBDAS = (ACTION_HANDLER, COGNITO_TRIGGER, COGNITO_SYNC_USERS)
TRIGGERS = (COGNITO_TRIGGER, COGNITO_SYNC_USERS)
