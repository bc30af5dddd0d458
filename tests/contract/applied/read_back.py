"""The applied environment's facts, read back through the AWS APIs (boto3 on its moto server), never from the HCL.

`read_facts(applied)` gives one flat table, fact name -> value, so production's values can be asserted one by one
and development's compared with production's, fact by fact, naming each one that differs.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

from phenom_infra.applied import AppliedEnvironment

# The three functions, by their module in modules/phenom_stack, as "<prefix>-<suffix>".
FUNCTION_SUFFIXES = {
    "action_handler": "hasura-action-phenom-handler",
    "cognito_trigger": "hasura-cognito-trigger",
    "cognito_sync_users": "hasura-cognito-sync-users",
}


def function_name(applied: AppliedEnvironment, function: str) -> str:
    """The deployed name of one of the three functions."""
    return f"{applied.facts.name_prefix}-{FUNCTION_SUFFIXES[function]}"


def cognito_facts(applied: AppliedEnvironment) -> dict[str, Any]:
    """The user pool, its app client and its hosted UI domain."""
    cognito = applied.client("cognito-idp")
    pool_id = applied.outputs["user_pool_id"]
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=applied.outputs["app_client_id"])[
        "UserPoolClient"
    ]
    domain = pool.get("Domain")
    return {
        "cognito.pool.name": pool["Name"],
        "cognito.pool.username_attributes": pool.get("UsernameAttributes"),
        "cognito.pool.auto_verified_attributes": pool.get("AutoVerifiedAttributes"),
        "cognito.pool.deletion_protection": pool.get("DeletionProtection"),
        "cognito.pool.password_policy": pool["Policies"]["PasswordPolicy"],
        "cognito.pool.account_recovery": pool.get("AccountRecoverySetting"),
        "cognito.pool.lambda_config": pool.get("LambdaConfig"),
        "cognito.client.name": client["ClientName"],
        "cognito.client.secret": "ClientSecret" in client,
        "cognito.client.explicit_auth_flows": sorted(client.get("ExplicitAuthFlows", [])),
        "cognito.client.allowed_oauth_flows": client.get("AllowedOAuthFlows"),
        "cognito.client.allowed_oauth_flows_user_pool_client": client.get("AllowedOAuthFlowsUserPoolClient"),
        "cognito.client.allowed_oauth_scopes": sorted(client.get("AllowedOAuthScopes", [])),
        "cognito.client.callback_urls": client.get("CallbackURLs"),
        "cognito.client.prevent_user_existence_errors": client.get("PreventUserExistenceErrors"),
        "cognito.client.token_validity": token_validity(client),
        "cognito.domain": domain,
        "cognito.domain.user_pool": cognito.describe_user_pool_domain(Domain=domain)["DomainDescription"].get(
            "UserPoolId"
        )
        if domain
        else None,
    }


def token_validity(client: dict[str, Any]) -> dict[str, Any]:
    """The client's token lifetimes, with their units."""
    return {key: client.get(key) for key in ("RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity")} | {
        "TokenValidityUnits": client.get("TokenValidityUnits")
    }


def lambda_facts(applied: AppliedEnvironment) -> dict[str, Any]:
    """Each function's runtime, handler, tracing, reserved concurrency, exact environment and Function URL."""
    lambda_client = applied.client("lambda")
    facts: dict[str, Any] = {}
    for function in FUNCTION_SUFFIXES:
        name = function_name(applied, function)
        configuration = lambda_client.get_function(FunctionName=name)["Configuration"]
        concurrency = lambda_client.get_function_concurrency(FunctionName=name)
        facts |= {
            f"lambda.{function}.arn": configuration["FunctionArn"],
            f"lambda.{function}.runtime": configuration["Runtime"],
            f"lambda.{function}.handler": configuration["Handler"],
            f"lambda.{function}.timeout": configuration["Timeout"],
            f"lambda.{function}.tracing": configuration.get("TracingConfig", {}).get("Mode"),
            f"lambda.{function}.reserved_concurrency": concurrency.get("ReservedConcurrentExecutions"),
            f"lambda.{function}.environment": configuration.get("Environment", {}).get("Variables", {}),
        }
    url = lambda_client.get_function_url_config(FunctionName=function_name(applied, "action_handler"))
    facts |= {"lambda.action_handler.url": url["FunctionUrl"], "lambda.action_handler.url_auth_type": url["AuthType"]}
    return facts


def bucket_facts(applied: AppliedEnvironment) -> dict[str, Any]:
    """The media bucket's versioning, default encryption, public access block and policy."""
    s3 = applied.client("s3")
    bucket = applied.outputs["media_bucket"]
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    return {
        "s3.bucket": bucket,
        "s3.versioning": s3.get_bucket_versioning(Bucket=bucket).get("Status"),
        "s3.encryption": [rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for rule in rules],
        "s3.public_access_block": s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"],
        "s3.policy": json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]),
    }


def secret_facts(applied: AppliedEnvironment) -> dict[str, Any]:
    """The secrets' names and keys (never their values), and where the app secret's database URL points."""
    secrets = applied.client("secretsmanager")
    app = json.loads(secrets.get_secret_value(SecretId=applied.outputs["app_secrets_id"])["SecretString"])
    smoke = applied.outputs["smoke_credentials_secret_id"]
    return {
        "secrets.names": sorted(secret["Name"] for secret in secrets.list_secrets()["SecretList"]),
        "secrets.app.keys": sorted(app),
        "secrets.app.database_host": urlparse(app["database_url"]).hostname,
        "secrets.app.jwt_secret": json.loads(app["jwt_secret"]),
        "secrets.smoke.versions": secrets.list_secret_version_ids(SecretId=smoke)["Versions"],
    }


def generated_secret_values(applied: AppliedEnvironment) -> list[str]:
    """The values Terraform generated (the Hasura admin secret, the master password), to look for in the state."""
    secrets = applied.client("secretsmanager")
    app = json.loads(secrets.get_secret_value(SecretId=applied.outputs["app_secrets_id"])["SecretString"])
    master_name = f"rds/{applied.facts.name_prefix}-db/credentials"
    master = json.loads(secrets.get_secret_value(SecretId=master_name)["SecretString"])
    return [app["graphql_admin_secret"], master["password"]]


def database_facts(applied: AppliedEnvironment) -> dict[str, Any]:
    """The RDS instance: engine, size, storage autoscaling, windows, retention, protection."""
    rds = applied.client("rds")
    instance = rds.describe_db_instances(DBInstanceIdentifier=f"{applied.facts.name_prefix}-postgres")["DBInstances"][0]
    return {
        "rds.engine": instance["Engine"],
        "rds.engine_version": instance["EngineVersion"],
        "rds.instance_class": instance["DBInstanceClass"],
        "rds.allocated_storage": instance["AllocatedStorage"],
        "rds.max_allocated_storage": instance.get("MaxAllocatedStorage"),
        "rds.storage_type": instance.get("StorageType"),
        "rds.storage_encrypted": instance.get("StorageEncrypted"),
        "rds.publicly_accessible": instance.get("PubliclyAccessible"),
        "rds.backup_window": instance.get("PreferredBackupWindow"),
        "rds.maintenance_window": instance.get("PreferredMaintenanceWindow"),
        "rds.backup_retention": instance.get("BackupRetentionPeriod"),
        "rds.deletion_protection": instance.get("DeletionProtection"),
        "rds.endpoint": instance["Endpoint"]["Address"],
    }


def ecs_facts(applied: AppliedEnvironment) -> dict[str, Any]:
    """The cluster's insights, the service's launch type and count, the task's image, size and environment."""
    ecs = applied.client("ecs")
    prefix = applied.facts.name_prefix
    cluster = ecs.describe_clusters(clusters=[f"{prefix}-cluster"], include=["SETTINGS"])["clusters"][0]
    service = ecs.describe_services(cluster=f"{prefix}-cluster", services=[f"{prefix}-graphql"])["services"][0]
    task = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    container = task["containerDefinitions"][0]
    environment = {item["name"]: item["value"] for item in container.get("environment", [])}
    return {
        "ecs.cluster.settings": cluster.get("settings"),
        "ecs.service.launch_type": service.get("launchType"),
        "ecs.service.desired_count": service["desiredCount"],
        "ecs.task.compatibilities": task.get("requiresCompatibilities"),
        "ecs.task.cpu": task.get("cpu"),
        "ecs.task.memory": task.get("memory"),
        "ecs.container.image": container["image"],
        "ecs.container.environment": environment,
        "ecs.container.secrets": sorted(item["name"] for item in container.get("secrets", [])),
        "ecs.container.jwt_secret": json.loads(environment["HASURA_GRAPHQL_JWT_SECRET"]),
    }


def alb_facts(applied: AppliedEnvironment) -> dict[str, Any]:
    """The load balancer's listeners, TLS policy, host rule and target group health check."""
    elbv2 = applied.client("elbv2")
    balancer = elbv2.describe_load_balancers(Names=[f"{applied.facts.name_prefix}-alb"])["LoadBalancers"][0]
    attributes = {
        item["Key"]: item["Value"]
        for item in elbv2.describe_load_balancer_attributes(LoadBalancerArn=balancer["LoadBalancerArn"])["Attributes"]
    }
    listeners = {
        listener["Port"]: listener
        for listener in elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    }
    rules = [
        rule
        for rule in elbv2.describe_rules(ListenerArn=listeners[443]["ListenerArn"])["Rules"]
        if not rule.get("IsDefault")
    ]
    group = elbv2.describe_target_groups(Names=[f"{applied.facts.name_prefix}-graphql"])["TargetGroups"][0]
    return {
        "alb.type": balancer["Type"],
        "alb.deletion_protection": attributes.get("deletion_protection.enabled"),
        "alb.drop_invalid_header_fields": attributes.get("routing.http.drop_invalid_header_fields.enabled"),
        "alb.listener_ports": sorted(listeners),
        "alb.http.protocol": listeners[80]["Protocol"],
        "alb.http.default_action": [
            (action["Type"], action.get("TargetGroupArn") == group["TargetGroupArn"])
            for action in listeners[80]["DefaultActions"]
        ],
        "alb.https.protocol": listeners[443]["Protocol"],
        "alb.https.ssl_policy": listeners[443].get("SslPolicy"),
        "alb.https.certificate": [certificate["CertificateArn"] for certificate in listeners[443]["Certificates"]],
        "alb.https.default_action": [
            (action["Type"], action.get("FixedResponseConfig", {}).get("StatusCode"))
            for action in listeners[443]["DefaultActions"]
        ],
        "alb.rules": [
            (
                rule["Priority"],
                [
                    value
                    for condition in rule["Conditions"]
                    for value in condition.get("HostHeaderConfig", {}).get("Values", [])
                ],
                [
                    (action["Type"], action.get("TargetGroupArn") == group["TargetGroupArn"])
                    for action in rule["Actions"]
                ],
            )
            for rule in rules
        ],
        "alb.target_group": {
            "port": group["Port"],
            "protocol": group["Protocol"],
            "target_type": group["TargetType"],
            "health_check_path": group["HealthCheckPath"],
            "matcher": group["Matcher"]["HttpCode"],
            "interval": group["HealthCheckIntervalSeconds"],
            "healthy_threshold": group["HealthyThresholdCount"],
            "unhealthy_threshold": group["UnhealthyThresholdCount"],
        },
    }


def read_facts(applied: AppliedEnvironment) -> dict[str, Any]:
    """Every fact above, in one table."""
    return (
        cognito_facts(applied)
        | lambda_facts(applied)
        | bucket_facts(applied)
        | secret_facts(applied)
        | database_facts(applied)
        | ecs_facts(applied)
        | alb_facts(applied)
    )
