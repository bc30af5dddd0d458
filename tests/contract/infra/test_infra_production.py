"""infra/environments/production and the stack it calls carry every fact of the production page that Terraform owns."""

from __future__ import annotations

import json

import pytest

from phenom_infra.hcl import INFRA_DIR, load_directory, terraform_files
from phenom_infra.instances import ModuleInstance

pytestmark = pytest.mark.contract

ACCOUNT_ID = "657033058608"
REGION = "us-east-1"
STATE_BUCKET = "phenom-production-tfstate"
STATE_KEY = "phenom-infra-repo/phenom-backend-production/terraform.tfstate"
API_HOSTNAME = "api.thephenom.app"
TLS_1_2_POLICY = "ELBSecurityPolicy-TLS-1-2-2017-01"
HASURA_IMAGE = "nhost/graphql-engine:v2.48.5-ce"
# Placeholders the reader leaves for ids that AWS assigns when the pool and client are created.
POOL_ID = "${aws_cognito_user_pool.this.id}"
CLIENT_ID = "${aws_cognito_user_pool_client.hasura.id}"
APP_SECRET_ARN = "${aws_secretsmanager_secret.app.arn}"


def test_state_lives_in_the_production_state_bucket(production_root: ModuleInstance) -> None:
    # GIVEN the production root's terraform block  THEN its S3 backend is the page's state object
    backend = production_root.config.terraform["backend"][0]["s3"]
    assert (backend["bucket"], backend["key"], backend["region"]) == (STATE_BUCKET, STATE_KEY, REGION)
    assert backend["encrypt"] is True


def test_state_bucket_is_referenced_not_created() -> None:
    # The state bucket must exist before any backend can use it, so no configuration creates it.
    buckets = [
        body.get("bucket")
        for path in {file.parent for file in terraform_files()}
        for (kind, _), body in load_directory(path).resources.items()
        if kind == "aws_s3_bucket"
    ]
    assert STATE_BUCKET not in buckets


def test_provider_is_pinned_and_guarded_to_the_account(production_root: ModuleInstance) -> None:
    terraform = production_root.config.terraform
    aws = terraform["required_providers"][0]["aws"]
    provider = production_root.config.providers["aws"]
    assert terraform["required_version"].startswith(">= 1.")
    assert aws["source"] == "hashicorp/aws" and aws["version"].startswith("~> 5.")
    assert provider["region"] == REGION
    assert provider["allowed_account_ids"] == [ACCOUNT_ID]


def test_network_has_public_and_private_subnets_and_two_nat_gateways(production: ModuleInstance) -> None:
    network = production.module("network")
    zones = network.argument("availability_zones")
    assert len(zones) == 2 and all(zone.startswith(REGION) for zone in zones)
    assert network.argument("nat_gateway_count") == 2
    assert network.resource("aws_subnet", "public")["map_public_ip_on_launch"] is False
    assert network.resource("aws_route_table", "public")["route"][0]["gateway_id"] == "${aws_internet_gateway.this.id}"
    assert "aws_nat_gateway.this" in network.resource("aws_route_table", "private")["route"][0]["nat_gateway_id"]


def test_rds_runs_postgres_17_4_on_db_m5_large_with_gp3_autoscaling_storage(production: ModuleInstance) -> None:
    db = production.module("database").resource("aws_db_instance", "this")
    assert (db["identifier"], db["engine"], db["engine_version"]) == ("phenom-prod-postgres", "postgres", "17.4")
    assert db["instance_class"] == "db.m5.large"
    assert (db["allocated_storage"], db["storage_type"], db["max_allocated_storage"]) == (20, "gp3", 100)


def test_rds_is_encrypted_and_reachable_only_privately(production: ModuleInstance) -> None:
    database = production.module("database")
    db = database.resource("aws_db_instance", "this")
    assert db["storage_encrypted"] is True
    assert db["publicly_accessible"] is False
    assert database.resource("aws_db_subnet_group", "this")["subnet_ids"] == "${aws_subnet.private[*].id}"
    assert production.config.modules["database"]["client_security_groups"] == {
        "graphql": "${module.graphql.security_group_id}"
    }


def test_rds_backups_and_maintenance_windows(production: ModuleInstance) -> None:
    db = production.module("database").resource("aws_db_instance", "this")
    assert db["backup_retention_period"] == 7
    assert db["backup_window"] == "03:00-04:00"
    assert db["maintenance_window"] == "sun:04:00-sun:05:00"


def test_rds_keeps_a_final_snapshot_and_refuses_deletion(production: ModuleInstance) -> None:
    db = production.module("database").resource("aws_db_instance", "this")
    assert db["skip_final_snapshot"] is False
    assert db["final_snapshot_identifier"] == "phenom-prod-postgres-final"
    assert db["deletion_protection"] is True


def test_rds_master_credentials_live_in_their_secret(production: ModuleInstance) -> None:
    database = production.module("database")
    secret = database.resource("aws_secretsmanager_secret", "master_credentials")
    version = database.config.resource("aws_secretsmanager_secret_version", "master_credentials")
    db = database.config.resource("aws_db_instance", "this")
    password = "ephemeral.aws_secretsmanager_random_password.master.random_password"
    assert secret["name"] == "rds/phenom-prod-db/credentials"
    # THEN the same generated password reaches RDS and the secret, through write-only arguments only
    assert "password" not in db and password in db["password_wo"]
    assert "secret_string" not in version and password in version["secret_string_wo"]
    assert "username = var.master_username" in version["secret_string_wo"]


def test_alb_is_internet_facing_in_public_subnets_and_protected(production: ModuleInstance) -> None:
    alb = production.module("alb")
    lb = alb.resource("aws_lb", "this")
    assert lb["name"] == "phenom-prod-alb"
    assert (lb["load_balancer_type"], lb["internal"]) == ("application", False)
    assert lb["subnets"] == "${aws_subnet.public[*].id}"
    assert lb["enable_deletion_protection"] is True


def test_alb_listens_on_80_forwarding_to_graphql_and_443_with_tls_1_2(production: ModuleInstance) -> None:
    alb = production.module("alb")
    http = alb.resource("aws_lb_listener", "http")
    https = alb.resource("aws_lb_listener", "https")
    certificate = alb.data("aws_acm_certificate", "wildcard")
    assert (http["port"], http["protocol"]) == (80, "HTTP")
    assert http["default_action"] == [{"type": "forward", "target_group_arn": "${aws_lb_target_group.graphql.arn}"}]
    assert (https["port"], https["protocol"], https["ssl_policy"]) == (443, "HTTPS", TLS_1_2_POLICY)
    assert https["certificate_arn"] == "${data.aws_acm_certificate.wildcard.arn}"
    assert certificate["domain"] == "*.thephenom.app" and certificate["statuses"] == ["ISSUED"]


def test_alb_routes_only_the_api_host_to_graphql(production: ModuleInstance) -> None:
    alb = production.module("alb")
    rules = alb.resources_of("aws_lb_listener_rule")
    assert list(rules) == ["api"]
    rule = rules["api"]
    assert rule["condition"] == [{"host_header": [{"values": [API_HOSTNAME]}]}]
    assert rule["action"] == [{"type": "forward", "target_group_arn": "${aws_lb_target_group.graphql.arn}"}]
    assert alb.resource("aws_lb_target_group", "graphql")["port"] == 8080


def test_ecs_cluster_has_container_insights_and_a_private_namespace(production: ModuleInstance) -> None:
    service = production.module("graphql")
    cluster = service.resource("aws_ecs_cluster", "this")
    assert cluster["name"] == "phenom-prod-cluster"
    assert cluster["setting"] == [{"name": "containerInsights", "value": "enabled"}]
    assert service.resource("aws_service_discovery_private_dns_namespace", "this")["name"] == "phenom-prod.local"


def test_graphql_runs_one_fargate_task_of_512_cpu_and_1024_mb(production: ModuleInstance) -> None:
    service = production.module("graphql")
    task = service.resource("aws_ecs_task_definition", "graphql")
    ecs_service = service.resource("aws_ecs_service", "graphql")
    assert (task["cpu"], task["memory"], task["requires_compatibilities"]) == (512, 1024, ["FARGATE"])
    assert task["container_definitions"] == "${jsonencode([local.graphql_container])}"
    assert (ecs_service["launch_type"], ecs_service["desired_count"]) == ("FARGATE", 1)
    assert ecs_service["network_configuration"][0]["assign_public_ip"] is False


def test_graphql_container_runs_the_page_image_with_the_console_off(graphql_container: dict) -> None:
    environment_values = {item["name"]: item["value"] for item in graphql_container["environment"]}
    assert graphql_container["image"] == HASURA_IMAGE
    assert environment_values["HASURA_GRAPHQL_ENABLE_CONSOLE"] == "false"
    assert "HASURA_GRAPHQL_UNAUTHORIZED_ROLE" not in environment_values


def test_graphql_container_takes_secrets_only_from_the_app_secret(graphql_container: dict) -> None:
    plain = {item["name"] for item in graphql_container["environment"]}
    secrets = {item["name"]: item["valueFrom"] for item in graphql_container["secrets"]}
    assert secrets == {
        "HASURA_GRAPHQL_ADMIN_SECRET": f"{APP_SECRET_ARN}:graphql_admin_secret::",
        "HASURA_GRAPHQL_METADATA_DATABASE_URL": f"{APP_SECRET_ARN}:database_url::",
        "PG_DATABASE_URL": f"{APP_SECRET_ARN}:database_url::",
    }
    assert plain == {
        "HASURA_GRAPHQL_ENABLE_CONSOLE",
        "HASURA_GRAPHQL_ENABLE_ALLOWLIST",
        "HASURA_GRAPHQL_JWT_SECRET",
        "HASURA_ACTION_PHENOM_URL",
    }


def test_graphql_container_runs_only_allow_listed_operations_for_users(graphql_container: dict) -> None:
    environment_values = {item["name"]: item["value"] for item in graphql_container["environment"]}
    assert environment_values["HASURA_GRAPHQL_ENABLE_ALLOWLIST"] == "true"


def test_graphql_action_url_is_the_action_handler_function_url(
    production: ModuleInstance, graphql_container: dict
) -> None:
    action_url = {item["name"]: item["value"] for item in graphql_container["environment"]}["HASURA_ACTION_PHENOM_URL"]
    assert production.config.modules["graphql"]["action_url"] == "${module.action_handler.function_url}"
    assert action_url == "${one(aws_lambda_function_url.this[*].function_url)}"


def test_graphql_jwt_secret_verifies_the_pool_tokens(graphql_container: dict) -> None:
    jwt_secret = {item["name"]: item["value"] for item in graphql_container["environment"]}["HASURA_GRAPHQL_JWT_SECRET"]
    issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"
    assert json.loads(jwt_secret) == {
        "type": "RS256",
        "jwk_url": f"{issuer}/.well-known/jwks.json",
        "claims_namespace": "https://hasura.io/jwt/claims",
        "claims_format": "stringified_json",
        "audience": CLIENT_ID,
        "issuer": issuer,
    }


def test_cognito_pool_uses_email_usernames_and_refuses_deletion(production: ModuleInstance) -> None:
    pool = production.module("cognito").resource("aws_cognito_user_pool", "this")
    assert pool["name"] == "phenom-prod"
    assert pool["username_attributes"] == ["email"]
    assert pool["deletion_protection"] == "ACTIVE"


def test_cognito_client_flows_and_scopes(production: ModuleInstance) -> None:
    client = production.module("cognito").resource("aws_cognito_user_pool_client", "hasura")
    assert client["name"] == "phenom-prod-hasura-client"
    assert set(client["explicit_auth_flows"]) == {
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    assert client["allowed_oauth_flows"] == ["implicit"] and client["allowed_oauth_flows_user_pool_client"] is True
    assert set(client["allowed_oauth_scopes"]) == {"openid", "email", "profile"}
    assert client["generate_secret"] is False


def test_cognito_hosted_ui_domain(production: ModuleInstance) -> None:
    domain = production.module("cognito").resource("aws_cognito_user_pool_domain", "hosted_ui")
    assert domain["domain"] == "phenom-prod-hasura-auth"


def test_cognito_triggers_call_the_right_lambdas(production: ModuleInstance) -> None:
    cognito = production.module("cognito")
    call = production.config.modules["cognito"]
    triggers = cognito.config.resource("aws_cognito_user_pool", "this")["lambda_config"][0]
    # WHEN the module's inputs are traced back to the environment's Lambda modules
    assert call["pre_token_generation_function"] == {
        "name": "${module.cognito_trigger.function_name}",
        "arn": "${module.cognito_trigger.arn}",
    }
    assert call["user_sync_function"] == {
        "name": "${module.cognito_sync_users.function_name}",
        "arn": "${module.cognito_sync_users.arn}",
    }
    # THEN each trigger points at the function the page names
    assert triggers == {
        "pre_token_generation": "${var.pre_token_generation_function.arn}",
        "post_confirmation": "${var.user_sync_function.arn}",
        "post_authentication": "${var.user_sync_function.arn}",
    }
    assert cognito.argument("pre_token_generation_function")["name"] == "phenom-prod-hasura-cognito-trigger"
    assert cognito.argument("user_sync_function")["name"] == "phenom-prod-hasura-cognito-sync-users"


def test_cognito_may_invoke_both_trigger_lambdas(production: ModuleInstance) -> None:
    permissions = production.module("cognito").resources_of("aws_lambda_permission").values()
    invoked = {permission["function_name"] for permission in permissions}
    assert invoked == {"phenom-prod-hasura-cognito-trigger", "phenom-prod-hasura-cognito-sync-users"}
    for permission in permissions:
        assert permission["principal"] == "cognito-idp.amazonaws.com"
        assert permission["action"] == "lambda:InvokeFunction"
        assert permission["source_arn"] == "${aws_cognito_user_pool.this.arn}"


def test_media_bucket_is_versioned_aes256_and_fully_private(production: ModuleInstance) -> None:
    bucket = production.module("media_bucket")
    encryption = bucket.resource("aws_s3_bucket_server_side_encryption_configuration", "this")
    public_access = bucket.resource("aws_s3_bucket_public_access_block", "this")
    assert bucket.resource("aws_s3_bucket", "this")["bucket"] == "phenom-prod-media-storage"
    assert bucket.resource("aws_s3_bucket_versioning", "this")["versioning_configuration"] == [{"status": "Enabled"}]
    assert encryption["rule"][0]["apply_server_side_encryption_by_default"] == [{"sse_algorithm": "AES256"}]
    flags = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    assert all(public_access[flag] is True for flag in flags)


def test_app_secret_holds_the_three_keys(production: ModuleInstance) -> None:
    secrets = production.module("secrets")
    version = secrets.config.resource("aws_secretsmanager_secret_version", "app")
    assert secrets.resource("aws_secretsmanager_secret", "app")["name"] == "phenom-prod-app-secrets"
    for key in ("database_url", "jwt_secret", "graphql_admin_secret"):
        assert f"{key} = " in version["secret_string_wo"]
    assert "secret_string" not in version


def test_app_secret_database_url_moves_with_the_master_password(production: ModuleInstance) -> None:
    # One version drives both writes, so the URL in the app secret always carries the current password.
    calls = production.config.modules
    assert (
        calls["database"]["credentials_version"]
        == calls["secrets"]["secrets_version"]
        == "${var.generated_secrets_version}"
    )
    assert calls["secrets"]["database_url"] == "${module.database.database_url}"


def test_smoke_credentials_secret_exists_without_a_terraform_value(production: ModuleInstance) -> None:
    # The value is put by hand (infra/README.md), so no secret version may overwrite it.
    secrets = production.module("secrets")
    versions = secrets.resources_of("aws_secretsmanager_secret_version")
    assert secrets.resource("aws_secretsmanager_secret", "smoke_credentials")["name"] == "phenom-prod-smoke-credentials"
    assert all("smoke_credentials" not in version["secret_id"] for version in versions.values())


def test_outputs_name_the_endpoints_and_ids(production_root: ModuleInstance) -> None:
    expected = {
        "graphql_url",
        "user_pool_id",
        "app_client_id",
        "action_function_url",
        "media_bucket",
        "app_secrets_id",
        "smoke_credentials_secret_id",
        "region",
        "alb_dns_name",
        "canary_role_arn",
        "canary_alarm_topic_arn",
    }
    assert set(production_root.config.outputs) == expected
    assert production_root.output("graphql_url") == f"https://{API_HOSTNAME}/v1/graphql"
    assert production_root.output("region") == REGION
    assert production_root.output("media_bucket") == "phenom-prod-media-storage"
    assert production_root.output("app_secrets_id") == "phenom-prod-app-secrets"
    assert production_root.output("smoke_credentials_secret_id") == "phenom-prod-smoke-credentials"


def test_dns_is_an_input_and_an_output_not_a_route53_record(
    production_root: ModuleInstance, production: ModuleInstance
) -> None:
    # api.thephenom.app is a proxied Cloudflare CNAME, managed outside Terraform
    resource_kinds = {
        kind for path in {f.parent for f in terraform_files(INFRA_DIR)} for kind, _ in load_directory(path).resources
    }
    assert not {kind for kind in resource_kinds if kind.startswith("aws_route53")}
    assert production_root.variable("api_hostname") == API_HOSTNAME
    assert production.config.outputs["alb_dns_name"]["value"] == "${module.alb.dns_name}"
