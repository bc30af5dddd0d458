"""Development is production's twin: both roots call modules/phenom_stack, differing only where a list below allows."""

from __future__ import annotations

from typing import Any

import pytest

from phenom_infra.hcl import ENVIRONMENTS_DIR, MODULES_DIR, parse_file
from phenom_infra.instances import STACK_MODULE, ModuleInstance, environment

pytestmark = pytest.mark.contract

ENVIRONMENTS = ("production", "development")
PRODUCTION_PREFIX = "phenom-prod"
DEVELOPMENT_PREFIX = "phenom-dev"
# Every place development may differ from production once its name prefix is read as production's,
# as "<file>:<path>": names, sizes and protection flags. Anything else is drift.
ALLOWED_DIFFERENCES = {
    "versions.tf:terraform.0.backend.0.s3.key": "own state object",
    "providers.tf:provider.0.aws.default_tags.0.tags.Environment": "environment tag",
    "main.tf:module.0.stack.vpc_cidr": "own address range in the shared account",
    "main.tf:module.0.stack.nat_gateway_count": "one NAT gateway instead of two",
    "main.tf:module.0.stack.db_instance_class": "smaller database",
    "main.tf:module.0.stack.deletion_protection": "RDS and ALB may be destroyed",
    "main.tf:module.0.stack.cognito_deletion_protection": "user pool may be destroyed",
    "main.tf:module.0.stack.secret_recovery_window_days": "secrets deleted at once, so a destroyed one applies again",
    "main.tf:module.0.stack.action_handler_concurrency": "smaller concurrency cap",
    "main.tf:module.0.stack.cognito_trigger_concurrency": "smaller concurrency cap",
    "variables.tf:variable.0.api_hostname.default": "own API hostname",
    "main.tf:module.0.stack.canary_environment": "the canary's own --env name, its metrics' Environment",
    "main.tf:module.0.stack.canary_duration_p90_ms": "more slack before the slow-canary alarm",
    "main.tf:module.0.stack.create_github_oidc_provider": "the shared account's one GitHub OIDC provider is production's",
}
# The module calls each root made itself before modules/phenom_stack took them over; their state moves.
MODULES_MOVED_INTO_THE_STACK = (
    "network",
    "database",
    "secrets",
    "media_bucket",
    "cognito_trigger",
    "cognito_sync_users",
    "cognito",
    "action_handler",
    "alb",
    "graphql",
)


def parsed_environment(name: str) -> dict[str, Any]:
    """Every .tf file of the environment, parsed, by file name."""
    return {path.name: parse_file(path) for path in sorted((ENVIRONMENTS_DIR / name).glob("*.tf"))}


def as_production(value: Any) -> Any:
    """`value` with development's name prefix read as production's."""
    if isinstance(value, dict):
        return {key: as_production(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_production(item) for item in value]
    if isinstance(value, str):
        return value.replace(DEVELOPMENT_PREFIX, PRODUCTION_PREFIX)
    return value


def differences(left: Any, right: Any, path: str = "") -> set[str]:
    """Paths at which two parsed trees differ."""
    if isinstance(left, dict) and isinstance(right, dict):
        found = set()
        for key in left.keys() | right.keys():
            found |= differences(left.get(key), right.get(key), f"{path}.{key}" if path else key)
        return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return set().union(
            *(differences(a, b, f"{path}.{index}") for index, (a, b) in enumerate(zip(left, right, strict=True)))
        )
    return set() if left == right else {path}


def test_development_differs_from_production_only_where_allowed() -> None:
    production = parsed_environment("production")
    development = parsed_environment("development")
    assert set(development) == set(production)
    drift = set()
    for file_name, parsed in production.items():
        drift |= {f"{file_name}:{path}" for path in differences(parsed, as_production(development[file_name]))}
    assert drift == set(ALLOWED_DIFFERENCES)


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_root_only_calls_the_stack_and_sets_all_its_inputs(name: str) -> None:
    root = environment(name)
    call = root.config.modules[STACK_MODULE]
    stack_variables = root.module(STACK_MODULE).config.variables
    # THEN every resource lives in the stack, and each environment states all of its values
    assert set(root.config.modules) == {STACK_MODULE}
    assert (root.config.path / call["source"]).resolve() == MODULES_DIR / "phenom_stack"
    assert not (root.config.resources or root.config.data or root.config.ephemeral)
    assert set(call) - {"source"} == set(stack_variables)
    assert not [variable for variable, body in stack_variables.items() if "default" in body]


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_root_outputs_are_the_stacks_under_the_same_names(name: str) -> None:
    root = environment(name)
    assert set(root.config.outputs) == set(root.module(STACK_MODULE).config.outputs)
    assert {output: body["value"] for output, body in root.config.outputs.items()} == {
        output: f"${{module.{STACK_MODULE}.{output}}}" for output in root.config.outputs
    }


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_state_of_the_former_root_modules_moves_into_the_stack(name: str) -> None:
    # Without these blocks the next apply would destroy every object and create it again under module.stack.
    root = environment(name)
    assert set(MODULES_MOVED_INTO_THE_STACK) <= set(root.module(STACK_MODULE).config.modules)
    assert root.config.moved == [
        {"from": f"${{module.{module}}}", "to": f"${{module.{STACK_MODULE}.module.{module}}}"}
        for module in MODULES_MOVED_INTO_THE_STACK
    ]


def test_development_names_carry_its_own_prefix(development_root: ModuleInstance, development: ModuleInstance) -> None:
    assert development.variable("name_prefix") == DEVELOPMENT_PREFIX
    assert development.module("database").resource("aws_db_instance", "this")["identifier"] == "phenom-dev-postgres"
    assert development.module("alb").resource("aws_lb", "this")["name"] == "phenom-dev-alb"
    assert development.module("graphql").resource("aws_ecs_cluster", "this")["name"] == "phenom-dev-cluster"
    assert development.module("cognito").resource("aws_cognito_user_pool", "this")["name"] == "phenom-dev"
    assert development_root.output("media_bucket") == "phenom-dev-media-storage"
    assert development_root.output("app_secrets_id") == "phenom-dev-app-secrets"
    assert development_root.output("smoke_credentials_secret_id") == "phenom-dev-smoke-credentials"


def test_development_keeps_its_state_apart(development_root: ModuleInstance) -> None:
    backend = development_root.config.terraform["backend"][0]["s3"]
    assert backend["key"] == "phenom-infra-repo/phenom-backend-development/terraform.tfstate"


def test_development_is_guarded_to_the_same_account(development_root: ModuleInstance) -> None:
    assert development_root.config.providers["aws"]["allowed_account_ids"] == ["657033058608"]


def test_development_is_smaller_and_can_be_torn_down(development: ModuleInstance) -> None:
    assert development.module("network").argument("nat_gateway_count") == 1
    assert development.module("database").resource("aws_db_instance", "this")["instance_class"] == "db.t3.medium"
    assert development.module("database").resource("aws_db_instance", "this")["deletion_protection"] is False
    assert development.module("alb").resource("aws_lb", "this")["enable_deletion_protection"] is False
    assert development.module("cognito").resource("aws_cognito_user_pool", "this")["deletion_protection"] == "INACTIVE"
