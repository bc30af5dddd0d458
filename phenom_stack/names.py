"""Names of the local stack's resources: the environment `local`, named like prod and dev (`phenom-<env>-...`)."""

from __future__ import annotations

from lambdas.registry import LambdaFunction

ENVIRONMENT = "local"
REGION = "us-east-1"
# moto's default account; the fake Lambda ARNs in the pool's LambdaConfig carry it like real ARNs do.
ACCOUNT_ID = "123456789012"
PREFIX = f"phenom-{ENVIRONMENT}"

USER_POOL_NAME = PREFIX
APP_CLIENT_NAME = f"{PREFIX}-hasura-client"
MEDIA_BUCKET = f"{PREFIX}-media-storage"
APP_SECRETS_ID = f"{PREFIX}-app-secrets"
SMOKE_SECRET_ID = f"{PREFIX}-smoke-credentials"


def function_name(function: LambdaFunction) -> str:
    """The function's name in the local environment, made from the registry's suffix as Terraform makes prod's."""
    return function.function_name(PREFIX)


def lambda_arn(function_name: str) -> str:
    """The ARN a real deployment would give the function; the trigger wiring maps it to the local host."""
    return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{function_name}"


def cognito_issuer(user_pool_id: str) -> str:
    """The `iss` of the pool's tokens: always the real AWS URL, also under moto."""
    return f"https://cognito-idp.{REGION}.amazonaws.com/{user_pool_id}"
