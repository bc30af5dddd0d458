"""The three Lambdas, once: what Terraform deploys for each, read by the config readers, the zip build and the stack.

Plain data with no third-party import: it ships in every zip, because each Lambda's config module takes the names
of the variables it reads from here. The infra contracts check every field against infra/modules/phenom_stack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Read by the Lambdas but never set by Terraform: the runtime sets AWS_REGION, and AWS_ENDPOINT_URL
# only points local runs at moto.
RUNTIME_ENVIRONMENT = frozenset({"AWS_REGION", "AWS_ENDPOINT_URL"})


@dataclass(frozen=True)
class LambdaFunction:
    """One function as Terraform declares it (module `package` in modules/phenom_stack) and what its code reads."""

    package: str
    name_suffix: str
    handler: str
    environment: tuple[str, ...]
    timeout_seconds: int
    memory_mb: int = 256
    function_url: bool = False
    # The user pool's LambdaConfig keys (Cognito API spelling) that name this function.
    cognito_triggers: tuple[str, ...] = ()
    # Read when set, never set by Terraform (a subset of RUNTIME_ENVIRONMENT).
    optional_environment: tuple[str, ...] = ()

    @property
    def zip_name(self) -> str:
        """File the build writes under dist/lambdas/ and Terraform deploys."""
        return f"{self.package}.zip"

    def function_name(self, name_prefix: str) -> str:
        """The function's name in the environment whose names start with `name_prefix` (phenom-prod)."""
        return f"{name_prefix}-{self.name_suffix}"

    def environment_values(self, deployment: Mapping[str, str]) -> dict[str, str]:
        """The variables Terraform sets on this function, valued from the deployment's outputs."""
        return {name: deployment[name] for name in self.environment}


ACTION_HANDLER = LambdaFunction(
    package="action_handler",
    name_suffix="hasura-action-phenom-handler",
    handler="lambdas.action_handler.handler.handler",
    environment=(
        "APP_SECRETS_ID",
        "MEDIA_BUCKET",
        "HASURA_GRAPHQL_URL",
        "COGNITO_USER_POOL_ID",
        "COGNITO_APP_CLIENT_ID",
    ),
    # Hasura gives up on an action after 30 s (facts §1.1); a longer Lambda timeout would buy nothing.
    timeout_seconds=30,
    function_url=True,
    # boto3 reads AWS_ENDPOINT_URL itself; the config derives the JWKS URL from it for local runs.
    optional_environment=("AWS_ENDPOINT_URL",),
)
COGNITO_TRIGGER = LambdaFunction(
    package="cognito_trigger",
    name_suffix="hasura-cognito-trigger",
    handler="lambdas.cognito_trigger.handler.handler",
    environment=("APP_SECRETS_ID", "HASURA_GRAPHQL_URL"),
    # Cognito waits 5 s for a trigger (facts §5.1).
    timeout_seconds=5,
    cognito_triggers=("PreTokenGeneration",),
)
COGNITO_SYNC_USERS = LambdaFunction(
    package="cognito_sync_users",
    name_suffix="hasura-cognito-sync-users",
    handler="lambdas.cognito_sync_users.handler.handler",
    environment=("APP_SECRETS_ID", "HASURA_GRAPHQL_URL"),
    timeout_seconds=5,
    cognito_triggers=("PostConfirmation", "PostAuthentication"),
)
LAMBDAS = (ACTION_HANDLER, COGNITO_TRIGGER, COGNITO_SYNC_USERS)
