"""Development is production's twin: same modules and wiring, differing only where a list below allows."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.infra.hcl import ENVIRONMENTS_DIR, parse_file
from tests.contract.infra.instances import ModuleInstance, environment

pytestmark = pytest.mark.contract

PRODUCTION_PREFIX = "phenom-prod"
DEVELOPMENT_PREFIX = "phenom-dev"
# Every place development may differ from production once its name prefix is read as production's,
# as "<file>:<path>": names, sizes and protection flags. Anything else is drift.
ALLOWED_DIFFERENCES = {
    "versions.tf:terraform.0.backend.0.s3.key": "own state object",
    "settings.tf:locals.0.environment": "environment tag",
    "settings.tf:locals.0.vpc_cidr": "own address range in the shared account",
    "settings.tf:locals.0.nat_gateway_count": "one NAT gateway instead of two",
    "settings.tf:locals.0.db_instance_class": "smaller database",
    "settings.tf:locals.0.deletion_protection": "RDS and ALB may be destroyed",
    "settings.tf:locals.0.cognito_deletion_protection": "user pool may be destroyed",
    "settings.tf:locals.0.action_handler_concurrency": "smaller concurrency cap",
    "settings.tf:locals.0.cognito_trigger_concurrency": "smaller concurrency cap",
    "variables.tf:variable.0.api_hostname.default": "own API hostname",
}


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


@pytest.fixture(scope="module")
def development() -> ModuleInstance:
    """The development root module, variables at their defaults."""
    return environment("development")


def test_development_differs_from_production_only_where_allowed() -> None:
    production = parsed_environment("production")
    development = parsed_environment("development")
    assert set(development) == set(production)
    drift = set()
    for file_name, parsed in production.items():
        drift |= {f"{file_name}:{path}" for path in differences(parsed, as_production(development[file_name]))}
    assert drift == set(ALLOWED_DIFFERENCES)


def test_development_names_carry_its_own_prefix(development: ModuleInstance) -> None:
    assert development.local("name_prefix") == DEVELOPMENT_PREFIX
    assert development.module("database").resource("aws_db_instance", "this")["identifier"] == "phenom-dev-postgres"
    assert development.module("alb").resource("aws_lb", "this")["name"] == "phenom-dev-alb"
    assert development.module("graphql").resource("aws_ecs_cluster", "this")["name"] == "phenom-dev-cluster"
    assert development.module("cognito").resource("aws_cognito_user_pool", "this")["name"] == "phenom-dev"
    assert development.output("media_bucket") == "phenom-dev-media-storage"
    assert development.output("app_secrets_id") == "phenom-dev-app-secrets"
    assert development.output("smoke_credentials_secret_id") == "phenom-dev-smoke-credentials"


def test_development_keeps_its_state_apart(development: ModuleInstance) -> None:
    backend = development.config.terraform["backend"][0]["s3"]
    assert backend["key"] == "phenom-infra-repo/phenom-backend-development/terraform.tfstate"


def test_development_is_guarded_to_the_same_account(development: ModuleInstance) -> None:
    assert development.config.providers["aws"]["allowed_account_ids"] == ["657033058608"]


def test_development_is_smaller_and_can_be_torn_down(development: ModuleInstance) -> None:
    assert development.module("network").argument("nat_gateway_count") == 1
    assert development.module("database").resource("aws_db_instance", "this")["instance_class"] == "db.t3.medium"
    assert development.module("database").resource("aws_db_instance", "this")["deletion_protection"] is False
    assert development.module("alb").resource("aws_lb", "this")["enable_deletion_protection"] is False
    assert development.module("cognito").resource("aws_cognito_user_pool", "this")["deletion_protection"] == "INACTIVE"
