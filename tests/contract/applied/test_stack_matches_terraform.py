"""The local stack's AWS half (phenom_stack.aws_bootstrap, and the Lambdas it hosts from lambdas.registry) does not drift from the
Terraform: what the running stack created in its moto is compared, field by field, with what Terraform applied for
development, and a difference fails naming the field.

The stack keeps creating its resources with boto3 rather than with the Terraform modules: an apply takes minutes of
the provider's polling, and `phenom-stack up` must be ready in under 2 s.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from lambdas.registry import LAMBDAS
from phenom_infra.applied import AppliedEnvironment
from phenom_stack import names
from phenom_stack.local_stack import LocalStack
from tests.contract.applied.read_back import token_validity

pytestmark = pytest.mark.applied

# Fields where the stack differs from Terraform on purpose, with the reason.
STACK_DIFFERENCES = {
    "s3.policy": "the stack serves plain HTTP on loopback, which the TLS-only policy would refuse",
}


# Cognito reports every field of a password policy; moto echoes only what the caller sent, and the provider leaves
# out a false or zero one (the stack sends RequireSymbols false, the provider PasswordHistorySize 0).
PASSWORD_POLICY_DEFAULTS = {"RequireSymbols": False, "PasswordHistorySize": 0}


def pool_fields(cognito, pool_id: str, client_id: str) -> dict[str, Any]:
    """The pool's policies and the client's flows and token validity."""
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    return {
        "cognito.pool.password_policy": PASSWORD_POLICY_DEFAULTS | pool["Policies"]["PasswordPolicy"],
        "cognito.pool.username_attributes": pool.get("UsernameAttributes"),
        "cognito.pool.auto_verified_attributes": pool.get("AutoVerifiedAttributes"),
        "cognito.pool.account_recovery": pool.get("AccountRecoverySetting"),
        "cognito.pool.mfa": pool.get("MfaConfiguration"),
        "cognito.pool.triggers": sorted(pool.get("LambdaConfig", {})),
        "cognito.client.explicit_auth_flows": sorted(client.get("ExplicitAuthFlows", [])),
        "cognito.client.prevent_user_existence_errors": client.get("PreventUserExistenceErrors"),
        "cognito.client.secret": "ClientSecret" in client,
        "cognito.client.token_validity": token_validity(client),
    }


def bucket_fields(s3, bucket: str) -> dict[str, Any]:
    """Versioning, encryption, public access, ownership, lifecycle and whether a policy is set."""
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    try:
        lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    except s3.exceptions.ClientError:
        lifecycle = None
    try:
        ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    except s3.exceptions.ClientError:
        ownership = None
    try:
        policy = bool(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except s3.exceptions.ClientError:
        policy = False
    return {
        "s3.versioning": s3.get_bucket_versioning(Bucket=bucket).get("Status"),
        "s3.encryption": [rule["ApplyServerSideEncryptionByDefault"] for rule in rules],
        "s3.public_access_block": s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"],
        "s3.ownership": ownership,
        "s3.lifecycle": lifecycle,
        "s3.policy": policy,
    }


def app_secret_keys(secretsmanager, secret_id: str) -> dict[str, Any]:
    """The app secret's keys (never the values)."""
    return {"secrets.app.keys": sorted(json.loads(secretsmanager.get_secret_value(SecretId=secret_id)["SecretString"]))}


@pytest.fixture(scope="session")
def stack_fields(local_stack: LocalStack, cognito_client, s3_client, secrets_client) -> dict[str, Any]:
    """What the running local stack created, field by field."""
    return (
        pool_fields(cognito_client, local_stack.user_pool_id, local_stack.client_id)
        | bucket_fields(s3_client, local_stack.media_bucket)
        | app_secret_keys(secrets_client, names.APP_SECRETS_ID)
    )


@pytest.fixture(scope="session")
def terraform_fields(applied_development: AppliedEnvironment) -> dict[str, Any]:
    """What Terraform applied for development, field by field."""
    outputs = applied_development.outputs
    return (
        pool_fields(applied_development.client("cognito-idp"), outputs["user_pool_id"], outputs["app_client_id"])
        | bucket_fields(applied_development.client("s3"), outputs["media_bucket"])
        | app_secret_keys(applied_development.client("secretsmanager"), outputs["app_secrets_id"])
    )


def test_stack_pool_bucket_and_secret_match_terraform(
    stack_fields: dict[str, Any], terraform_fields: dict[str, Any]
) -> None:
    assert set(stack_fields) == set(terraform_fields)
    drift = {
        field: {"stack": stack_fields[field], "terraform": terraform_fields[field]}
        for field in sorted(terraform_fields)
        if field not in STACK_DIFFERENCES and stack_fields[field] != terraform_fields[field]
    }
    assert drift == {}


def test_allowed_stack_differences_still_differ(stack_fields: dict[str, Any], terraform_fields: dict[str, Any]) -> None:
    assert [field for field in STACK_DIFFERENCES if stack_fields[field] == terraform_fields[field]] == []


@pytest.mark.parametrize("function", LAMBDAS, ids=lambda function: function.package)
def test_stack_functions_match_terraform(function, applied_development: AppliedEnvironment) -> None:
    deployed_name = function.function_name(applied_development.facts.name_prefix)
    lambda_client = applied_development.client("lambda")
    configuration = lambda_client.get_function(FunctionName=deployed_name)["Configuration"]
    try:
        has_url = bool(lambda_client.get_function_url_config(FunctionName=deployed_name)["FunctionUrl"])
    except lambda_client.exceptions.ResourceNotFoundException:
        has_url = False
    deployed = {
        "handler": configuration["Handler"],
        "timeout": configuration["Timeout"],
        "memory": configuration["MemorySize"],
        "environment_names": sorted(configuration.get("Environment", {}).get("Variables", {})),
        "function_url": has_url,
    }
    hosted = {
        "handler": function.handler,
        "timeout": function.timeout_seconds,
        "memory": function.memory_mb,
        "environment_names": sorted(function.environment),
        "function_url": function.function_url,
    }
    drift = {
        field: {"stack": hosted[field], "terraform": deployed[field]}
        for field in hosted
        if hosted[field] != deployed[field]
    }
    assert drift == {}
