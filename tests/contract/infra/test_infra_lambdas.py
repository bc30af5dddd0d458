"""The three production Lambdas: code, environment, Function URL, logs and least-privilege IAM."""

from __future__ import annotations

import pytest

from phenom_infra.hcl import REPO_ROOT
from phenom_infra.instances import ModuleInstance
from tests.contract.infra.lambda_contract import ACTION_HANDLER, LAMBDAS, TRIGGERS, LambdaContract

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


def lambda_module(production: ModuleInstance, contract: LambdaContract) -> ModuleInstance:
    """The lambda_function module instance that declares `contract`'s function."""
    return production.module(contract.module)


def by_name(contract: LambdaContract) -> str:
    """Test id: the Lambda's package name."""
    return contract.package


@pytest.mark.parametrize("contract", LAMBDAS, ids=by_name)
def test_function_runs_the_built_zip_on_python_3_12(production: ModuleInstance, contract: LambdaContract) -> None:
    function = lambda_module(production, contract).resource("aws_lambda_function", "this")
    root_relative = function["filename"].removeprefix("${path.root}/")
    assert function["function_name"] == contract.function_name("phenom-prod")
    assert function["handler"] == contract.handler
    assert function["runtime"] == "python3.12"
    assert (production.root_path / root_relative).resolve() == REPO_ROOT / "dist" / "lambdas" / contract.zip_name


@pytest.mark.parametrize("contract", LAMBDAS, ids=by_name)
def test_function_redeploys_when_its_zip_changes(production: ModuleInstance, contract: LambdaContract) -> None:
    function = lambda_module(production, contract).config.resource("aws_lambda_function", "this")
    assert function["filename"] == "${var.package_path}"
    assert function["source_code_hash"] == "${filebase64sha256(var.package_path)}"


@pytest.mark.parametrize("contract", LAMBDAS, ids=by_name)
def test_function_environment_is_exactly_the_brief(production: ModuleInstance, contract: LambdaContract) -> None:
    variables = lambda_module(production, contract).resource("aws_lambda_function", "this")["environment"][0][
        "variables"
    ]
    assert variables == {name: PRODUCTION_ENVIRONMENT[name] for name in contract.environment}


@pytest.mark.parametrize("contract", LAMBDAS, ids=by_name)
def test_function_is_traced_capped_and_logs_to_its_own_group(
    production: ModuleInstance, contract: LambdaContract
) -> None:
    module = lambda_module(production, contract)
    function = module.resource("aws_lambda_function", "this")
    log_group = module.resource("aws_cloudwatch_log_group", "this")
    logs_policy = module.data("aws_iam_policy_document", "logs")["statement"]
    assert function["tracing_config"] == [{"mode": "Active"}]
    assert function["reserved_concurrent_executions"] > 0
    assert log_group["name"] == f"/aws/lambda/{function['function_name']}"
    assert function["logging_config"][0]["log_group"] == log_group["name"]
    assert logs_policy == [
        {
            "actions": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "resources": ["${aws_cloudwatch_log_group.this.arn}:*"],
        }
    ]


@pytest.mark.parametrize("contract", TRIGGERS, ids=by_name)
def test_triggers_answer_within_cognitos_timeout(production: ModuleInstance, contract: LambdaContract) -> None:
    function = lambda_module(production, contract).resource("aws_lambda_function", "this")
    assert function["timeout"] <= COGNITO_TRIGGER_TIMEOUT_SECONDS


@pytest.mark.parametrize("contract", LAMBDAS, ids=by_name)
def test_function_reads_only_the_app_secret(production: ModuleInstance, contract: LambdaContract) -> None:
    statements = lambda_module(production, contract).data("aws_iam_policy_document", "secrets")["statement"]
    assert statements == [{"actions": ["secretsmanager:GetSecretValue"], "resources": [APP_SECRET_ARN]}]


@pytest.mark.parametrize("contract", LAMBDAS, ids=by_name)
def test_function_role_has_no_other_permissions(production: ModuleInstance, contract: LambdaContract) -> None:
    module = lambda_module(production, contract)
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


@pytest.mark.parametrize("contract", TRIGGERS, ids=by_name)
def test_triggers_get_no_bucket_access(production: ModuleInstance, contract: LambdaContract) -> None:
    module = lambda_module(production, contract)
    media_policy = module.config.resource("aws_iam_role_policy", "media")
    assert module.argument("grant_media_access") is False
    assert module.variable("media_bucket_arn") is None
    assert media_policy["count"] == "${var.grant_media_access ? 1 : 0}"


def test_only_the_action_handler_has_a_function_url_open_to_hasura(production: ModuleInstance) -> None:
    url = lambda_module(production, ACTION_HANDLER).resource("aws_lambda_function_url", "this")
    enabled = {
        contract.package: lambda_module(production, contract).variable("function_url_enabled") for contract in LAMBDAS
    }
    assert enabled == {"action_handler": True, "cognito_trigger": False, "cognito_sync_users": False}
    assert url["count"] == "${var.function_url_enabled ? 1 : 0}"
    assert url["authorization_type"] == "NONE"


def test_media_grant_has_no_default_so_checkov_scans_the_grant(production: ModuleInstance) -> None:
    # checkov evaluates a module's count with the variable's default, not with what the caller passes: a default of
    # false made it drop the action handler's media policy from the scan. Without a default every caller decides.
    variables = lambda_module(production, ACTION_HANDLER).config.variables
    assert "default" not in variables["grant_media_access"]
