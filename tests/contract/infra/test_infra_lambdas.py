"""The three production Lambdas: the registry (lambdas/registry.py) field by field, code, environment, Function URL,
logs and least-privilege IAM."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lambdas.registry import ACTION_HANDLER, LAMBDAS, LambdaFunction
from phenom_infra.hcl import REPO_ROOT
from phenom_infra.instances import ModuleInstance

pytestmark = pytest.mark.contract

APP_SECRET_ARN = "${aws_secretsmanager_secret.app.arn}"
MEDIA_BUCKET_ARN = "${aws_s3_bucket.this.arn}"
PRODUCTION_ENVIRONMENT = {
    "APP_SECRETS_ID": "phenom-prod-app-secrets",
    "MEDIA_BUCKET": "phenom-prod-media-storage",
    "HASURA_GRAPHQL_URL": "https://api.thephenom.app/v1/graphql",
    "COGNITO_USER_POOL_ID": "${aws_cognito_user_pool.this.id}",
    "COGNITO_APP_CLIENT_ID": "${aws_cognito_user_pool_client.hasura.id}",
}
# Cognito gives up on a trigger after 5 seconds.
COGNITO_TRIGGER_TIMEOUT_SECONDS = 5
TRIGGERS = tuple(function for function in LAMBDAS if function.cognito_triggers)
# A lambda_config argument of the cognito module, and the module.<name>.arn its caller passes for it.
_TRIGGER_VARIABLE = re.compile(r"\$\{var\.(?P<variable>\w+)\.arn\}")
_FUNCTION_MODULE = re.compile(r"\$\{module\.(?P<module>\w+)\.arn\}")


def lambda_module(production: ModuleInstance, function: LambdaFunction) -> ModuleInstance:
    """The lambda_function module instance that declares `function` (the module call is named for its package)."""
    return production.module(function.package)


def by_name(function: LambdaFunction) -> str:
    """Test id: the Lambda's package name."""
    return function.package


def terraform_triggers(stack: ModuleInstance) -> dict[str, str]:
    """LambdaConfig key (Cognito API spelling, PreTokenGeneration) -> the Lambda module Terraform points it at."""
    cognito = stack.module("cognito")
    lambda_config = cognito.config.resource("aws_cognito_user_pool", "this")["lambda_config"][0]
    wired = {}
    for key, expression in lambda_config.items():
        variable = _TRIGGER_VARIABLE.fullmatch(expression)
        assert variable, f"cognito lambda_config.{key} = {expression!r}: expected var.<function>.arn"
        passed = cognito.caller_argument(variable["variable"])
        assert passed, f"modules/phenom_stack passes no {variable['variable']} to the cognito module"
        module = _FUNCTION_MODULE.fullmatch(passed[1]["arn"])
        assert module, f"{variable['variable']}.arn = {passed[1]['arn']!r}: expected module.<function>.arn"
        wired["".join(part.title() for part in key.split("_"))] = module["module"]
    return wired


def terraform_fields(stack: ModuleInstance, function: LambdaFunction) -> dict[str, Any]:
    """What Terraform declares for `function`, in the registry's terms (environment names only, sorted)."""
    module = lambda_module(stack, function)
    resource = module.resource("aws_lambda_function", "this")
    zip_path = (stack.root_path / resource["filename"].removeprefix("${path.root}/")).resolve()
    return {
        "function_name": resource["function_name"],
        "handler": resource["handler"],
        "zip_name": zip_path.name if zip_path.parent == REPO_ROOT / "dist" / "lambdas" else str(zip_path),
        "environment": sorted(resource["environment"][0]["variables"]),
        "timeout_seconds": resource["timeout"],
        "memory_mb": resource["memory_size"],
        "function_url": module.variable("function_url_enabled"),
        "cognito_triggers": sorted(
            key for key, package in terraform_triggers(stack).items() if package == function.package
        ),
    }


def registry_fields(function: LambdaFunction, name_prefix: str) -> dict[str, Any]:
    """The registry's entry for `function`, in the same terms as terraform_fields."""
    return {
        "function_name": function.function_name(name_prefix),
        "handler": function.handler,
        "zip_name": function.zip_name,
        "environment": sorted(function.environment),
        "timeout_seconds": function.timeout_seconds,
        "memory_mb": function.memory_mb,
        "function_url": function.function_url,
        "cognito_triggers": sorted(function.cognito_triggers),
    }


# Every field the registry holds about a deployment, each compared on its own so a mismatch names it.
REGISTRY_FIELDS = tuple(registry_fields(ACTION_HANDLER, "phenom-prod"))


@pytest.mark.parametrize("field", REGISTRY_FIELDS)
@pytest.mark.parametrize("environment_name", ["production", "development"])
@pytest.mark.parametrize("function", LAMBDAS, ids=by_name)
def test_registry_says_what_terraform_deploys(
    request: pytest.FixtureRequest, function: LambdaFunction, environment_name: str, field: str
) -> None:
    stack = request.getfixturevalue(environment_name)
    registry = registry_fields(function, stack.argument("name_prefix"))[field]
    terraform = terraform_fields(stack, function)[field]
    assert registry == terraform, (
        f"{function.package}.{field}: lambdas/registry.py has {registry!r}, {environment_name}'s Terraform {terraform!r}"
    )


@pytest.mark.parametrize("function", LAMBDAS, ids=by_name)
def test_function_runs_the_built_zip_on_python_3_12(production: ModuleInstance, function: LambdaFunction) -> None:
    resource = lambda_module(production, function).resource("aws_lambda_function", "this")
    assert resource["function_name"] == function.function_name("phenom-prod")
    assert resource["runtime"] == "python3.12"
    assert terraform_fields(production, function)["zip_name"] == function.zip_name


@pytest.mark.parametrize("function", LAMBDAS, ids=by_name)
def test_function_redeploys_when_its_zip_changes(production: ModuleInstance, function: LambdaFunction) -> None:
    resource = lambda_module(production, function).config.resource("aws_lambda_function", "this")
    assert resource["filename"] == "${var.package_path}"
    assert resource["source_code_hash"] == "${filebase64sha256(var.package_path)}"


@pytest.mark.parametrize("function", LAMBDAS, ids=by_name)
def test_function_environment_is_exactly_the_brief(production: ModuleInstance, function: LambdaFunction) -> None:
    variables = lambda_module(production, function).resource("aws_lambda_function", "this")["environment"][0][
        "variables"
    ]
    assert variables == {name: PRODUCTION_ENVIRONMENT[name] for name in function.environment}


@pytest.mark.parametrize("function", LAMBDAS, ids=by_name)
def test_function_is_traced_capped_and_logs_to_its_own_group(
    production: ModuleInstance, function: LambdaFunction
) -> None:
    module = lambda_module(production, function)
    resource = module.resource("aws_lambda_function", "this")
    log_group = module.resource("aws_cloudwatch_log_group", "this")
    logs_policy = module.data("aws_iam_policy_document", "logs")["statement"]
    assert resource["tracing_config"] == [{"mode": "Active"}]
    assert resource["reserved_concurrent_executions"] > 0
    assert log_group["name"] == f"/aws/lambda/{resource['function_name']}"
    assert resource["logging_config"][0]["log_group"] == log_group["name"]
    assert logs_policy == [
        {
            "actions": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "resources": ["${aws_cloudwatch_log_group.this.arn}:*"],
        }
    ]


@pytest.mark.parametrize("function", TRIGGERS, ids=by_name)
def test_triggers_answer_within_cognitos_timeout(production: ModuleInstance, function: LambdaFunction) -> None:
    resource = lambda_module(production, function).resource("aws_lambda_function", "this")
    assert resource["timeout"] <= COGNITO_TRIGGER_TIMEOUT_SECONDS


@pytest.mark.parametrize("function", LAMBDAS, ids=by_name)
def test_function_reads_only_the_app_secret(production: ModuleInstance, function: LambdaFunction) -> None:
    statements = lambda_module(production, function).data("aws_iam_policy_document", "secrets")["statement"]
    assert statements == [{"actions": ["secretsmanager:GetSecretValue"], "resources": [APP_SECRET_ARN]}]


@pytest.mark.parametrize("function", LAMBDAS, ids=by_name)
def test_function_role_has_no_other_permissions(production: ModuleInstance, function: LambdaFunction) -> None:
    module = lambda_module(production, function)
    attachments = module.resources_of("aws_iam_role_policy_attachment").values()
    assert set(module.resources_of("aws_iam_role_policy")) == {"logs", "secrets", "media"}
    assert [attachment["policy_arn"] for attachment in attachments] == [
        "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
    ]


def test_action_handler_may_touch_only_the_media_prefix(production: ModuleInstance) -> None:
    module = lambda_module(production, ACTION_HANDLER)
    objects, listing = module.data("aws_iam_policy_document", "media")["statement"]
    assert module.argument("grant_media_access") is True
    assert module.argument("media_bucket_arn") == MEDIA_BUCKET_ARN
    assert set(objects["actions"]) == {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"}
    assert objects["resources"] == [f"{MEDIA_BUCKET_ARN}/media/*"]
    assert set(listing["actions"]) == {"s3:ListBucket", "s3:ListBucketVersions"}
    assert listing["resources"] == [MEDIA_BUCKET_ARN]
    assert listing["condition"] == [{"test": "StringLike", "variable": "s3:prefix", "values": ["media/*"]}]


@pytest.mark.parametrize("function", TRIGGERS, ids=by_name)
def test_triggers_get_no_bucket_access(production: ModuleInstance, function: LambdaFunction) -> None:
    module = lambda_module(production, function)
    media_policy = module.config.resource("aws_iam_role_policy", "media")
    assert module.argument("grant_media_access") is False
    assert module.variable("media_bucket_arn") is None
    assert media_policy["count"] == "${var.grant_media_access ? 1 : 0}"


def test_only_the_action_handler_has_a_function_url_open_to_hasura(production: ModuleInstance) -> None:
    url = lambda_module(production, ACTION_HANDLER).resource("aws_lambda_function_url", "this")
    enabled = {
        function.package: lambda_module(production, function).variable("function_url_enabled") for function in LAMBDAS
    }
    assert enabled == {"action_handler": True, "cognito_trigger": False, "cognito_sync_users": False}
    assert url["count"] == "${var.function_url_enabled ? 1 : 0}"
    assert url["authorization_type"] == "NONE"


def test_media_grant_has_no_default_so_checkov_scans_the_grant(production: ModuleInstance) -> None:
    # checkov evaluates a module's count with the variable's default, not with what the caller passes: a default of
    # false made it drop the action handler's media policy from the scan. Without a default every caller decides.
    variables = lambda_module(production, ACTION_HANDLER).config.variables
    assert "default" not in variables["grant_media_access"]
