"""Security and lifecycle properties of the Terraform that neither the production page's facts nor checkov cover,
and, for every check infra/.checkov.yaml skips, a guard of what that skip leaves unguarded."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from urllib.parse import quote, urlsplit

import pytest
import yaml

from lambdas.registry import ACTION_HANDLER, LAMBDAS
from phenom_infra.hcl import INFRA_DIR, load_directory, terraform_files
from phenom_infra.instances import ModuleInstance, stack
from phenom_infra.tools import CHECKOV_CONFIG

pytestmark = pytest.mark.contract

ENVIRONMENTS = ("production", "development")
RANDOM_PASSWORD = "aws_secretsmanager_random_password"
# What Secrets Manager's GetRandomPassword draws from: letters, digits and, unless excluded, this punctuation.
SECRETS_MANAGER_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
# AWS's ALB policies by the lowest protocol they accept; the name says it (ELBSecurityPolicy-TLS13-1-2-..., -FS-1-2-,
# -TLS-1-2-...). Policies named otherwise (2016-08, TLS-1-0, TLS-1-1, FS-2018-06) still accept TLS 1.0 or 1.1.
_TLS_1_2_OR_LATER = re.compile(r"^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-[A-Za-z0-9]+)*-\d{4}-\d{2}$")


@pytest.fixture(scope="session", params=ENVIRONMENTS)
def each_stack(request: pytest.FixtureRequest) -> ModuleInstance:
    """The stack module as each environment calls it."""
    return stack(request.param)


def _raw_resources(kind: str) -> list[dict]:
    """Every `resource "kind"` body in infra/, unevaluated, whichever module declares it."""
    directories = {path.parent for path in terraform_files(INFRA_DIR)}
    return [
        body
        for directory in sorted(directories)
        for (found, _), body in load_directory(directory).resources.items()
        if found == kind
    ]


def _password_alphabet(body: dict) -> set[str]:
    """The characters a GetRandomPassword with these arguments may return."""
    alphabet = set(string.ascii_letters + string.digits + SECRETS_MANAGER_PUNCTUATION)
    if body.get("exclude_punctuation"):
        alphabet -= set(SECRETS_MANAGER_PUNCTUATION)
    if body.get("exclude_numbers"):
        alphabet -= set(string.digits)
    if body.get("include_space"):
        alphabet.add(" ")
    return alphabet - set(body.get("exclude_characters", ""))


# --- properties beyond the page's facts ---------------------------------------------------------------------------


def test_the_master_password_is_safe_inside_database_url(each_stack: ModuleInstance) -> None:
    # GIVEN the URL the app secret carries and every generated password it embeds
    database = each_stack.module("database")
    url_expression = database.config.outputs["database_url"]["value"]
    embedded = re.findall(rf"ephemeral\.{RANDOM_PASSWORD}\.(\w+)\.random_password", url_expression)
    assert embedded, f"database_url embeds no generated password: {url_expression}"
    for name in embedded:
        if re.search(rf"urlencode\(\s*ephemeral\.{RANDOM_PASSWORD}\.{name}\.", url_expression):
            continue
        # THEN, when the URL does not encode it, no character the password may hold changes the URL's meaning
        unsafe = {
            char
            for char in _password_alphabet(database.config.ephemeral[(RANDOM_PASSWORD, name)])
            if quote(char, safe="") != char
        }
        assert unsafe == set(), f"{name} may contain {''.join(sorted(unsafe))}: exclude them or urlencode() it"


def test_a_password_of_that_alphabet_survives_the_url_round_trip(each_stack: ModuleInstance) -> None:
    # The same property read the other way: the URL Postgres clients parse gives the password back unchanged.
    body = each_stack.module("database").config.ephemeral[(RANDOM_PASSWORD, "master")]
    password = "".join(sorted(_password_alphabet(body)))
    parsed = urlsplit(f"postgres://phenom:{password}@db.internal:5432/phenom?sslmode=require")
    assert (parsed.password, parsed.hostname, parsed.port) == (password, "db.internal", 5432)


def test_cognito_does_not_reveal_whether_a_user_exists(each_stack: ModuleInstance) -> None:
    clients = each_stack.module("cognito").resources_of("aws_cognito_user_pool_client")
    assert clients and {name: client.get("prevent_user_existence_errors") for name, client in clients.items()} == {
        name: "ENABLED" for name in clients
    }


def test_replaced_and_deleted_media_versions_expire(each_stack: ModuleInstance) -> None:
    bucket = each_stack.module("media_bucket")
    assert bucket.resource("aws_s3_bucket_versioning", "this")["versioning_configuration"] == [{"status": "Enabled"}]
    rules = [
        rule
        for rule in bucket.resource("aws_s3_bucket_lifecycle_configuration", "this")["rule"]
        if rule["status"] == "Enabled" and rule.get("filter") in ([{}], [{"prefix": ""}])
    ]
    # A replaced or deleted object's old versions expire after a bounded number of days...
    noncurrent_days = [
        days["noncurrent_days"] for rule in rules for days in rule.get("noncurrent_version_expiration", [])
    ]
    assert noncurrent_days and all(0 < days <= 90 for days in noncurrent_days), noncurrent_days
    # ...and the delete marker left behind once they have is removed, so a deleted key leaves nothing.
    assert any(
        expiration.get("expired_object_delete_marker") is True
        for rule in rules
        for expiration in rule.get("expiration", [])
    )


# --- what each checkov skip leaves unguarded ---------------------------------------------------------------------


def _lambda_functions(production: ModuleInstance) -> dict[str, dict]:
    return {
        contract.package: production.module(contract.package).resource("aws_lambda_function", "this")
        for contract in LAMBDAS
    }


def _no_asynchronous_invokers(production: ModuleInstance) -> None:
    # CKV_AWS_116 (no DLQ): the one asynchronous caller is S3's ObjectCreated notification of media/ keys to the
    # action handler, which only tidies uploads (a lost event leaves an object no row names, removed by the next
    # deletePhenom of its id); everything else calls synchronously, so no other invocation can be lost unseen.
    for kind in ("aws_lambda_event_source_mapping", "aws_sns_topic_subscription"):
        assert _raw_resources(kind) == [], kind
    [notification] = _raw_resources("aws_s3_bucket_notification")
    [target] = notification["lambda_function"]
    assert (target["lambda_function_arn"], target["filter_prefix"]) == ("${module.action_handler.arn}", "media/")
    principals = {permission["principal"] for permission in _raw_resources("aws_lambda_permission")}
    assert principals == {"cognito-idp.amazonaws.com", "s3.amazonaws.com"}


def _lambdas_outside_the_vpc_reach_only_public_endpoints(production: ModuleInstance) -> None:
    # CKV_AWS_117 (no VPC): nothing private to reach, so every URL they are given is public HTTPS.
    for function in _lambda_functions(production).values():
        assert "vpc_config" not in function
        urls = [value for value in function["environment"][0]["variables"].values() if "://" in str(value)]
        assert all(url.startswith("https://") and ".internal" not in url for url in urls), urls


def _lambda_environment_holds_no_secret(production: ModuleInstance) -> None:
    # CKV_AWS_173 (no CMK for the environment): ids and URLs only; secrets are read at run time.
    for function in _lambda_functions(production).values():
        variables = function["environment"][0]["variables"]
        assert all(re.fullmatch(r"[A-Z_]+_(ID|URL|BUCKET)", name) for name in variables), list(variables)
        assert not any(re.search(r"random_password|secret_string|password", str(value)) for value in variables.values())


def _lambda_code_is_the_built_zip(production: ModuleInstance) -> None:
    # CKV_AWS_272 (no code signing): what runs is the zip `make lambdas` built here, redeployed when it changes.
    for contract in LAMBDAS:
        raw = production.module(contract.package).config.resource("aws_lambda_function", "this")
        assert (raw["filename"], raw["source_code_hash"]) == (
            "${var.package_path}",
            "${filebase64sha256(var.package_path)}",
        )
        assert production.config.modules[contract.package]["package_path"].endswith(f"/{contract.zip_name}")


def _only_the_action_handler_has_an_open_url(production: ModuleInstance) -> None:
    # CKV_AWS_258 (URL auth NONE): one open URL, the handler's, which verifies the forwarded Cognito JWT itself.
    enabled = {
        contract.package: production.module(contract.package).argument("function_url_enabled") for contract in LAMBDAS
    }
    assert enabled == {contract.package: contract is ACTION_HANDLER for contract in LAMBDAS}


def _secrets_use_the_default_key(production: ModuleInstance) -> None:
    # CKV_AWS_149 (no CMK): readers need GetSecretValue alone, which holds only while no secret names a key.
    assert [secret for secret in _raw_resources("aws_secretsmanager_secret") if "kms_key_id" in secret] == []


def _generated_secrets_rotate_together(production: ModuleInstance) -> None:
    # CKV2_AWS_57 (no rotation Lambda): one version number rewrites the password and the URL that carries it.
    database, secrets = production.module("database"), production.module("secrets")
    assert database.config.resource("aws_db_instance", "this")["password_wo_version"] == "${var.credentials_version}"
    credentials = database.config.resource("aws_secretsmanager_secret_version", "master_credentials")
    assert credentials["secret_string_wo_version"] == "${var.credentials_version}"
    assert secrets.config.resource("aws_secretsmanager_secret_version", "app")["secret_string_wo_version"] == (
        "${var.secrets_version}"
    )
    calls = production.config.modules
    assert calls["database"]["credentials_version"] == calls["secrets"]["secrets_version"]


def _log_groups_expire(production: ModuleInstance) -> None:
    # CKV_AWS_158 (service keys for logs): what the logs hold is kept for a bounded time, never forever.
    groups = _raw_resources("aws_cloudwatch_log_group")
    assert groups and all("retention_in_days" in group and "kms_key_id" not in group for group in groups)


def _performance_insights_on_the_storage_key(production: ModuleInstance) -> None:
    # CKV_AWS_354: Performance Insights is on and uses the same aws/rds key as the encrypted storage.
    db = production.module("database").resource("aws_db_instance", "this")
    assert db["performance_insights_enabled"] is True and db["storage_encrypted"] is True
    assert "performance_insights_kms_key_id" not in db and "kms_key_id" not in db


def _postgres_version_is_pinned(production: ModuleInstance) -> None:
    # CKV_AWS_226 (no automatic minor upgrades): the version is an exact minor, changed only by a reviewed edit.
    db = production.module("database").resource("aws_db_instance", "this")
    assert re.fullmatch(r"\d+\.\d+", db["engine_version"]) and db["auto_minor_version_upgrade"] is False


def _single_instance_is_backed_up(production: ModuleInstance) -> None:
    # CKV_AWS_157 (no Multi-AZ): a lost zone is recovered from backups and the final snapshot.
    db = production.module("database").resource("aws_db_instance", "this")
    assert db["multi_az"] is False and db["backup_retention_period"] >= 7
    assert db["skip_final_snapshot"] is False and db["deletion_protection"] is True


def _production_alb_refuses_deletion(production: ModuleInstance) -> None:
    # CKV_AWS_150 (skipped for development): production's load balancer keeps deletion protection.
    assert production.module("alb").resource("aws_lb", "this")["enable_deletion_protection"] is True


def _alb_answers_only_the_api_host(production: ModuleInstance) -> None:
    # CKV_AWS_91 (no access logs, Cloudflare keeps them): requests not for the API host get a fixed 404.
    alb = production.module("alb")
    https = alb.resource("aws_lb_listener", "https")
    assert https["default_action"][0]["type"] == "fixed-response"
    assert https["default_action"][0]["fixed_response"][0]["status_code"] == "404"
    assert alb.resource("aws_lb", "this")["drop_invalid_header_fields"] is True


def _https_listeners_refuse_tls_before_1_2(production: ModuleInstance) -> None:
    # CKV_AWS_103 and CKV_AWS_2: whatever the HTTP listener does, every HTTPS listener in infra/ has a certificate
    # and a policy whose lowest protocol is TLS 1.2, read from the policy's name (independent of the page's value).
    listeners = [listener for listener in _raw_resources("aws_lb_listener") if listener["protocol"] == "HTTPS"]
    assert listeners
    for listener in listeners:
        assert _TLS_1_2_OR_LATER.match(listener["ssl_policy"]), listener["ssl_policy"]
        assert listener["certificate_arn"]


def _plain_http_only_forwards_to_graphql(production: ModuleInstance) -> None:
    # CKV2_AWS_20 and CKV_AWS_2: the one plain-HTTP listener is port 80 forwarding to GraphQL, nothing else.
    plain = [listener for listener in _raw_resources("aws_lb_listener") if listener["protocol"] == "HTTP"]
    assert [(listener["port"], listener["default_action"][0]["type"]) for listener in plain] == [(80, "forward")]


def _only_web_ports_are_open_to_the_internet(production: ModuleInstance) -> None:
    # CKV_AWS_260 (port 80 open to 0.0.0.0/0): 80 and 443 on the load balancer are all the internet may reach.
    world = [
        rule for rule in _raw_resources("aws_vpc_security_group_ingress_rule") if rule.get("cidr_ipv4") == "0.0.0.0/0"
    ]
    assert [rule["for_each"] for rule in world] == ['${toset(["80", "443"])}']


def _targets_are_private(production: ModuleInstance) -> None:
    # CKV_AWS_378 (plain HTTP to the targets): the targets are tasks in private subnets, reached only from the VPC.
    service = production.module("graphql").resource("aws_ecs_service", "graphql")["network_configuration"][0]
    assert (service["subnets"], service["assign_public_ip"]) == ("${aws_subnet.private[*].id}", False)
    egress = production.module("alb").resource("aws_vpc_security_group_egress_rule", "targets")
    assert egress["cidr_ipv4"] == production.module("network").argument("vpc_cidr")


def _hasura_exposes_no_console(production: ModuleInstance) -> None:
    # CKV2_AWS_28 (no AWS WAF, Cloudflare's proxy is the firewall): nothing administrative is served publicly.
    container = production.module("graphql").local("graphql_container")
    environment = {item["name"]: item["value"] for item in container["environment"]}
    assert environment["HASURA_GRAPHQL_ENABLE_CONSOLE"] == "false"
    assert environment.get("HASURA_GRAPHQL_DEV_MODE", "false") == "false"


def _media_is_encrypted_and_tls_only(production: ModuleInstance) -> None:
    # CKV_AWS_145 (SSE-S3, not KMS): objects are still encrypted at rest and reached only over TLS.
    bucket = production.module("media_bucket")
    rule = bucket.resource("aws_s3_bucket_server_side_encryption_configuration", "this")["rule"][0]
    assert rule["apply_server_side_encryption_by_default"] == [{"sse_algorithm": "AES256"}]
    statement = bucket.data("aws_iam_policy_document", "tls_only")["statement"][0]
    assert (statement["effect"], statement["actions"]) == ("Deny", ["s3:*"])
    assert statement["condition"] == [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]


def _media_is_reachable_only_through_presigned_urls(production: ModuleInstance) -> None:
    # CKV_AWS_18 (no access logs): no public path to an object exists, so every access is a URL the handler logged.
    bucket = production.module("media_bucket")
    block = bucket.resource("aws_s3_bucket_public_access_block", "this")
    assert all(
        block[flag] is True
        for flag in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    owner = bucket.resource("aws_s3_bucket_ownership_controls", "this")["rule"][0]["object_ownership"]
    assert owner == "BucketOwnerEnforced"


def _media_versions_survive_deletes(production: ModuleInstance) -> None:
    # CKV_AWS_144 (no replication): versioning is what recovers an object deleted or overwritten by mistake.
    bucket = production.module("media_bucket")
    assert bucket.resource("aws_s3_bucket_versioning", "this")["versioning_configuration"] == [{"status": "Enabled"}]
    assert bucket.argument("noncurrent_version_retention_days") >= 7


def _media_uploads_are_notified(production: ModuleInstance) -> None:
    # CKV2_AWS_62 (no event notifications, as checkov sees the bucket's own module): the stack module notifies the
    # action handler of every media/ upload, so uploads after a delete are removed.
    [notification] = _raw_resources("aws_s3_bucket_notification")
    assert notification["bucket"] == "${module.media_bucket.name}"
    [target] = notification["lambda_function"]
    assert target["events"] == ["s3:ObjectCreated:*"]


def _alarm_topic_carries_only_alarm_states(production: ModuleInstance) -> None:
    # CKV_AWS_26 (SNS topic without a CMK): one topic, the canary's alarms, published to by CloudWatch alone.
    assert _raw_resources("aws_sns_topic") == [{"name": "${var.name_prefix}-canary-alarms"}]
    assert _raw_resources("aws_sns_topic_policy") == []
    assert _raw_resources("aws_sns_topic_subscription") == []


SKIP_GUARDS: dict[str, Callable[[ModuleInstance], None]] = {
    "CKV_AWS_116": _no_asynchronous_invokers,
    "CKV_AWS_117": _lambdas_outside_the_vpc_reach_only_public_endpoints,
    "CKV_AWS_173": _lambda_environment_holds_no_secret,
    "CKV_AWS_272": _lambda_code_is_the_built_zip,
    "CKV_AWS_258": _only_the_action_handler_has_an_open_url,
    "CKV_AWS_149": _secrets_use_the_default_key,
    "CKV2_AWS_57": _generated_secrets_rotate_together,
    "CKV_AWS_158": _log_groups_expire,
    "CKV_AWS_354": _performance_insights_on_the_storage_key,
    "CKV_AWS_226": _postgres_version_is_pinned,
    "CKV_AWS_157": _single_instance_is_backed_up,
    "CKV_AWS_150": _production_alb_refuses_deletion,
    "CKV_AWS_91": _alb_answers_only_the_api_host,
    "CKV_AWS_2": _plain_http_only_forwards_to_graphql,
    "CKV_AWS_103": _https_listeners_refuse_tls_before_1_2,
    "CKV2_AWS_20": _plain_http_only_forwards_to_graphql,
    "CKV_AWS_260": _only_web_ports_are_open_to_the_internet,
    "CKV_AWS_378": _targets_are_private,
    "CKV2_AWS_28": _hasura_exposes_no_console,
    "CKV_AWS_145": _media_is_encrypted_and_tls_only,
    "CKV_AWS_18": _media_is_reachable_only_through_presigned_urls,
    "CKV_AWS_144": _media_versions_survive_deletes,
    "CKV_AWS_26": _alarm_topic_carries_only_alarm_states,
    "CKV2_AWS_62": _media_uploads_are_notified,
}


def _skipped_checks() -> list[str]:
    return yaml.safe_load(CHECKOV_CONFIG.read_text(encoding="utf-8"))["skip-check"]


def test_every_checkov_skip_has_a_guard() -> None:
    assert sorted(_skipped_checks()) == sorted(SKIP_GUARDS)


@pytest.mark.parametrize("check", sorted(SKIP_GUARDS))
def test_what_the_skip_leaves_unguarded_holds(production: ModuleInstance, check: str) -> None:
    SKIP_GUARDS[check](production)
