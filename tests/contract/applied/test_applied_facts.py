"""Production, applied into moto, has every fact of the production page that Terraform owns, read back through the AWS
APIs; development has the same facts except where ALLOWED_DIFFERENCES says."""

from __future__ import annotations

import json
from typing import Any

import pytest

from phenom_infra.applied import AppliedEnvironment
from phenom_infra.instances import stack
from tests.contract.applied.read_back import generated_secret_values, read_facts
from tests.contract.infra.test_infra_production import API_HOSTNAME, HASURA_IMAGE, REGION, TLS_1_2_POLICY

pytestmark = pytest.mark.applied

PRODUCTION_PREFIX = "phenom-prod"
DEVELOPMENT_PREFIX = "phenom-dev"
# Development's own API hostname (an allowed difference of the HCL) is read as production's, like its prefix.
DEVELOPMENT_HOSTNAME = stack("development").variable("api_hostname")
HANDLERS = {
    "action_handler": "lambdas.action_handler.handler.handler",
    "cognito_trigger": "lambdas.cognito_trigger.handler.handler",
    "cognito_sync_users": "lambdas.cognito_sync_users.handler.handler",
}
# Where development's applied facts may differ from production's once its prefix is read as production's.
ALLOWED_DIFFERENCES = {
    "cognito.pool.deletion_protection": "INACTIVE: the development pool may be destroyed",
    "rds.instance_class": "smaller database",
    "rds.deletion_protection": "the development database may be destroyed",
    "alb.deletion_protection": "the development load balancer may be destroyed",
    "lambda.action_handler.reserved_concurrency": "smaller concurrency cap",
    "lambda.cognito_trigger.reserved_concurrency": "smaller concurrency cap",
    "lambda.cognito_sync_users.reserved_concurrency": "smaller concurrency cap",
    "ecs.container.environment": "its own pool, client and Function URL (checked against them below)",
    "ecs.container.jwt_secret": "its own pool and client (checked against them below)",
    "secrets.app.jwt_secret": "its own pool and client (checked against them below)",
    "secrets.app.database_host": "its own RDS endpoint (checked against it below)",
    "lambda.action_handler.environment": "its own pool and client (checked against them below)",
    "lambda.action_handler.url": "its own Function URL",
    "lambda.action_handler.arn": "in its own account's ARN space: the same account, but distinct ids below",
    "alb.https.certificate": "each environment's moto holds its own imported certificate",
    "cognito.pool.lambda_config": "its own functions (checked against them below)",
    "cognito.domain.user_pool": "its own pool",
}


@pytest.fixture(scope="session")
def production_facts(applied_production: AppliedEnvironment) -> dict[str, Any]:
    """Every fact of applied production, read through the AWS APIs."""
    return read_facts(applied_production)


@pytest.fixture(scope="session")
def development_facts(applied_development: AppliedEnvironment) -> dict[str, Any]:
    """Every fact of applied development, read through the AWS APIs."""
    return read_facts(applied_development)


def issuer(pool_id: str) -> str:
    return f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}"


def test_pool_triggers_point_at_the_functions(production_facts: dict[str, Any]) -> None:
    config = production_facts["cognito.pool.lambda_config"]
    assert config["PreTokenGeneration"] == production_facts["lambda.cognito_trigger.arn"]
    assert config["PostConfirmation"] == production_facts["lambda.cognito_sync_users.arn"]
    assert config["PostAuthentication"] == production_facts["lambda.cognito_sync_users.arn"]


def test_pool_refuses_deletion_and_signs_in_by_email(production_facts: dict[str, Any]) -> None:
    assert production_facts["cognito.pool.name"] == PRODUCTION_PREFIX
    assert production_facts["cognito.pool.deletion_protection"] == "ACTIVE"
    assert production_facts["cognito.pool.username_attributes"] == ["email"]
    assert production_facts["cognito.pool.password_policy"]["MinimumLength"] == 12


def test_client_flows_implicit_oauth_scopes_and_domain(
    production_facts: dict[str, Any], applied_production: AppliedEnvironment
) -> None:
    assert production_facts["cognito.client.explicit_auth_flows"] == [
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
    ]
    assert production_facts["cognito.client.allowed_oauth_flows"] == ["implicit"]
    assert production_facts["cognito.client.allowed_oauth_flows_user_pool_client"] is True
    assert production_facts["cognito.client.allowed_oauth_scopes"] == ["email", "openid", "profile"]
    assert production_facts["cognito.client.callback_urls"] == ["https://thephenom.app/auth/callback"]
    assert production_facts["cognito.client.secret"] is False
    assert production_facts["cognito.domain"] == f"{PRODUCTION_PREFIX}-hasura-auth"
    assert production_facts["cognito.domain.user_pool"] == applied_production.outputs["user_pool_id"]


@pytest.mark.parametrize("function", sorted(HANDLERS))
def test_functions_runtime_handler_tracing(production_facts: dict[str, Any], function: str) -> None:
    assert production_facts[f"lambda.{function}.runtime"] == "python3.12"
    assert production_facts[f"lambda.{function}.handler"] == HANDLERS[function]
    assert production_facts[f"lambda.{function}.tracing"] == "Active"


def test_functions_reserved_concurrency(production_facts: dict[str, Any]) -> None:
    assert production_facts["lambda.action_handler.reserved_concurrency"] == 50
    assert production_facts["lambda.cognito_trigger.reserved_concurrency"] == 20
    assert production_facts["lambda.cognito_sync_users.reserved_concurrency"] == 20


def test_functions_environment_is_exact_and_names_the_live_pool(
    production_facts: dict[str, Any], applied_production: AppliedEnvironment
) -> None:
    outputs = applied_production.outputs
    graphql_url = f"https://{API_HOSTNAME}/v1/graphql"
    assert production_facts["lambda.action_handler.environment"] == {
        "APP_SECRETS_ID": f"{PRODUCTION_PREFIX}-app-secrets",
        "MEDIA_BUCKET": f"{PRODUCTION_PREFIX}-media-storage",
        "HASURA_GRAPHQL_URL": graphql_url,
        "COGNITO_USER_POOL_ID": outputs["user_pool_id"],
        "COGNITO_APP_CLIENT_ID": outputs["app_client_id"],
    }
    for function in ("cognito_trigger", "cognito_sync_users"):
        assert production_facts[f"lambda.{function}.environment"] == {
            "APP_SECRETS_ID": f"{PRODUCTION_PREFIX}-app-secrets",
            "HASURA_GRAPHQL_URL": graphql_url,
        }


def test_function_url_is_public(production_facts: dict[str, Any], applied_production: AppliedEnvironment) -> None:
    assert production_facts["lambda.action_handler.url_auth_type"] == "NONE"
    assert production_facts["lambda.action_handler.url"] == applied_production.outputs["action_function_url"]


def test_bucket_is_versioned_encrypted_private_and_tls_only(production_facts: dict[str, Any]) -> None:
    assert production_facts["s3.bucket"] == f"{PRODUCTION_PREFIX}-media-storage"
    assert production_facts["s3.versioning"] == "Enabled"
    assert production_facts["s3.encryption"] == ["AES256"]
    assert production_facts["s3.public_access_block"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    (statement,) = production_facts["s3.policy"]["Statement"]
    assert (statement["Effect"], statement["Action"]) == ("Deny", "s3:*")
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_secrets_names_and_keys(production_facts: dict[str, Any]) -> None:
    assert production_facts["secrets.names"] == [
        f"{PRODUCTION_PREFIX}-app-secrets",
        f"{PRODUCTION_PREFIX}-smoke-credentials",
        f"rds/{PRODUCTION_PREFIX}-db/credentials",
    ]
    assert production_facts["secrets.app.keys"] == ["database_url", "graphql_admin_secret", "jwt_secret"]
    assert production_facts["secrets.app.database_host"] == production_facts["rds.endpoint"]
    # The smoke account's value is put by hand (infra/README.md): Terraform writes none.
    assert production_facts["secrets.smoke.versions"] == []


@pytest.mark.parametrize("name", ["production", "development"])
def test_no_generated_secret_in_the_state_file(
    name: str, applied_production: AppliedEnvironment, applied_development: AppliedEnvironment
) -> None:
    applied = applied_production if name == "production" else applied_development
    state = applied.state_file_text()
    leaked = [index for index, value in enumerate(generated_secret_values(applied)) if value in state]
    # Indexes, not values: the assertion message must not carry a secret.
    assert leaked == [], "generated values (0: Hasura admin secret, 1: master password) found in the state file"


@pytest.mark.parametrize("name", ["production", "development"])
def test_what_phenom_infra_up_prints_holds_no_generated_secret(
    name: str, applied_production: AppliedEnvironment, applied_development: AppliedEnvironment
) -> None:
    applied = applied_production if name == "production" else applied_development
    printed = json.dumps(applied.summary())
    leaked = [index for index, value in enumerate(generated_secret_values(applied)) if value in printed]
    assert leaked == [], "generated values (0: Hasura admin secret, 1: master password) in the printed summary"


def test_database_engine_size_windows_and_protection(production_facts: dict[str, Any]) -> None:
    assert (production_facts["rds.engine"], production_facts["rds.engine_version"]) == ("postgres", "17.4")
    assert production_facts["rds.instance_class"] == "db.m5.large"
    assert production_facts["rds.storage_type"] == "gp3"
    assert (production_facts["rds.allocated_storage"], production_facts["rds.max_allocated_storage"]) == (20, 100)
    assert production_facts["rds.storage_encrypted"] is True
    assert production_facts["rds.publicly_accessible"] is False
    assert production_facts["rds.backup_window"] == "03:00-04:00"
    assert production_facts["rds.maintenance_window"] == "sun:04:00-sun:05:00"
    assert production_facts["rds.backup_retention"] == 7
    assert production_facts["rds.deletion_protection"] is True


def test_ecs_cluster_service_and_task(production_facts: dict[str, Any]) -> None:
    assert production_facts["ecs.cluster.settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert production_facts["ecs.service.launch_type"] == "FARGATE"
    assert production_facts["ecs.service.desired_count"] == 1
    assert production_facts["ecs.task.compatibilities"] == ["FARGATE"]
    assert (production_facts["ecs.task.cpu"], production_facts["ecs.task.memory"]) == ("512", "1024")
    assert production_facts["ecs.container.image"] == HASURA_IMAGE
    assert production_facts["ecs.container.secrets"] == [
        "HASURA_GRAPHQL_ADMIN_SECRET",
        "HASURA_GRAPHQL_METADATA_DATABASE_URL",
        "PG_DATABASE_URL",
    ]


@pytest.mark.parametrize("name", ["production", "development"])
def test_hasura_action_url_and_jwt_match_the_live_function_and_pool(
    name: str, production_facts: dict[str, Any], development_facts: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    facts = production_facts if name == "production" else development_facts
    outputs = request.getfixturevalue(f"applied_{name}").outputs
    jwt = {
        "type": "RS256",
        "jwk_url": f"{issuer(outputs['user_pool_id'])}/.well-known/jwks.json",
        "claims_namespace": "https://hasura.io/jwt/claims",
        "claims_format": "stringified_json",
        "audience": outputs["app_client_id"],
        "issuer": issuer(outputs["user_pool_id"]),
    }
    assert facts["ecs.container.environment"]["HASURA_ACTION_PHENOM_URL"] == facts["lambda.action_handler.url"]
    assert facts["ecs.container.environment"]["HASURA_GRAPHQL_ENABLE_CONSOLE"] == "false"
    assert facts["ecs.container.jwt_secret"] == jwt
    assert facts["secrets.app.jwt_secret"] == jwt
    assert facts["secrets.app.database_host"] == facts["rds.endpoint"]
    assert facts["lambda.action_handler.environment"]["COGNITO_USER_POOL_ID"] == outputs["user_pool_id"]
    assert facts["lambda.action_handler.environment"]["COGNITO_APP_CLIENT_ID"] == outputs["app_client_id"]
    assert facts["cognito.pool.lambda_config"]["PreTokenGeneration"] == facts["lambda.cognito_trigger.arn"]


def test_alb_listeners_tls_host_rule_and_health_check(
    production_facts: dict[str, Any], applied_production: AppliedEnvironment
) -> None:
    certificates = applied_production.client("acm").list_certificates(CertificateStatuses=["ISSUED"])
    wildcard = [item["CertificateArn"] for item in certificates["CertificateSummaryList"]]
    assert production_facts["alb.type"] == "application"
    assert production_facts["alb.deletion_protection"] == "true"
    assert production_facts["alb.listener_ports"] == [80, 443]
    assert production_facts["alb.http.protocol"] == "HTTP"
    assert production_facts["alb.http.default_action"] == [("forward", True)]
    assert production_facts["alb.https.protocol"] == "HTTPS"
    assert production_facts["alb.https.ssl_policy"] == TLS_1_2_POLICY
    assert production_facts["alb.https.certificate"] == wildcard
    assert production_facts["alb.https.default_action"] == [("fixed-response", "404")]
    assert production_facts["alb.rules"] == [("10", [API_HOSTNAME], [("forward", True)])]
    assert production_facts["alb.target_group"] == {
        "port": 8080,
        "protocol": "HTTP",
        "target_type": "ip",
        "health_check_path": "/healthz",
        "matcher": "200",
        "interval": 15,
        "healthy_threshold": 2,
        "unhealthy_threshold": 3,
    }


def as_production(value: Any) -> Any:
    """value with development's prefix and API hostname read as production's."""
    if isinstance(value, dict):
        return {key: as_production(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_production(item) for item in value]
    if isinstance(value, str):
        return value.replace(DEVELOPMENT_HOSTNAME, API_HOSTNAME).replace(DEVELOPMENT_PREFIX, PRODUCTION_PREFIX)
    return value


def test_development_differs_from_production_only_where_allowed(
    production_facts: dict[str, Any], development_facts: dict[str, Any]
) -> None:
    assert set(development_facts) == set(production_facts)
    differing = {
        fact
        for fact in production_facts
        if as_production(development_facts[fact]) != as_production(production_facts[fact])
    }
    assert sorted(differing - set(ALLOWED_DIFFERENCES)) == []
    assert development_facts["cognito.pool.deletion_protection"] == "INACTIVE"
    assert development_facts["rds.deletion_protection"] is False
    assert development_facts["alb.deletion_protection"] == "false"
