"""infra/ agrees with the layers around it: lambdas/, hasura/, the local stack and phenom_client/environments.toml."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tomllib

import pytest
import yaml

from phenom_client.environments import ENVIRONMENTS_FILE
from phenom_infra.facts import hasura_image, postgres_engine_version
from phenom_infra.hcl import REPO_ROOT
from phenom_infra.instances import ModuleInstance, environment
from tests.contract.infra.lambda_contract import COGNITO_TRIGGER, LAMBDAS, RUNTIME_ENVIRONMENT, LambdaContract

pytestmark = pytest.mark.contract

HASURA_METADATA = REPO_ROOT / "hasura" / "metadata"
# Section of phenom_client/environments.toml -> Terraform environment, and the keys both describe.
TERRAFORM_ENVIRONMENTS = {"prod": "production", "dev": "development"}
SHARED_KEYS = {"region": "region", "graphql_url": "graphql_url", "smoke_secret_id": "smoke_credentials_secret_id"}
# The local stack may set these on its engine besides the task definition's environment.
LOCAL_ONLY_ENGINE_SETTINGS = {"HASURA_GRAPHQL_ENABLE_TELEMETRY"}
POOL_ID = "${aws_cognito_user_pool.this.id}"
CLIENT_ID = "${aws_cognito_user_pool_client.hasura.id}"


@pytest.fixture(scope="module")
def environments_file() -> dict:
    """phenom_client/environments.toml, parsed."""
    return tomllib.loads(ENVIRONMENTS_FILE.read_text(encoding="utf-8"))


def by_name(contract: LambdaContract) -> str:
    """Test id: the Lambda's package name."""
    return contract.package


@pytest.mark.parametrize("contract", LAMBDAS, ids=by_name)
def test_handler_string_resolves_to_a_function_in_lambdas(production: ModuleInstance, contract: LambdaContract) -> None:
    handler = production.module(contract.module).resource("aws_lambda_function", "this")["handler"]
    module_path, _, function_name = handler.rpartition(".")
    assert callable(getattr(importlib.import_module(module_path), function_name, None)), handler


@pytest.mark.parametrize("contract", LAMBDAS, ids=by_name)
def test_lambda_reads_exactly_the_variables_terraform_sets(
    production: ModuleInstance, contract: LambdaContract
) -> None:
    # GIVEN the one config module through which the Lambda reads its environment
    config = importlib.import_module(f"lambdas.{contract.package}.config")
    function = production.module(contract.module).resource("aws_lambda_function", "this")
    terraform_sets = set(function["environment"][0]["variables"])
    # THEN Terraform sets every required name, and the optional ones are those the runtime or a local run provides
    assert set(config.REQUIRED_ENV) == terraform_sets
    assert set(config.OPTIONAL_ENV) <= RUNTIME_ENVIRONMENT
    assert not terraform_sets & RUNTIME_ENVIRONMENT


@pytest.mark.parametrize(("section", "terraform_environment"), TERRAFORM_ENVIRONMENTS.items())
def test_environments_file_names_what_terraform_creates(
    environments_file: dict, section: str, terraform_environment: str
) -> None:
    recorded = environments_file[section]
    root = environment(terraform_environment)
    shared = {key: output for key, output in SHARED_KEYS.items() if key in recorded}
    assert "smoke_secret_id" in shared
    assert {key: recorded[key] for key in shared} == {key: root.output(output) for key, output in shared.items()}


def test_hasura_image_helper_reads_the_task_definition(graphql_container: dict) -> None:
    assert hasura_image() == graphql_container["image"] == "nhost/graphql-engine:v2.48.5-ce"


def test_postgres_version_helper_reads_the_rds_engine_version() -> None:
    assert postgres_engine_version() == "17.4"


def test_facts_helper_imports_without_pytest() -> None:
    # The local stack's console command imports it outside any test run.
    script = (
        "import sys; from phenom_infra.facts import hasura_image; print(hasura_image()); print('pytest' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == [hasura_image(), "False"]


def test_jwt_config_matches_the_trigger_claims_and_the_local_stack(graphql_container: dict) -> None:
    claims = importlib.import_module(f"lambdas.{COGNITO_TRIGGER.package}.claims")
    engine = importlib.import_module("phenom_stack.hasura_engine")
    jwt_secret = json.loads(
        {item["name"]: item["value"] for item in graphql_container["environment"]}["HASURA_GRAPHQL_JWT_SECRET"]
    )
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}"
    # THEN Hasura reads the namespace the trigger writes, and the local stack configures its engine the same way
    assert jwt_secret["claims_namespace"] == claims.CLAIMS_NAMESPACE
    assert jwt_secret == engine.jwt_secret_config(
        jwks_url=f"{issuer}/.well-known/jwks.json", client_id=CLIENT_ID, issuer=issuer
    )


def test_local_engine_gets_the_task_definition_environment(graphql_container: dict) -> None:
    engine = importlib.import_module("phenom_stack.hasura_engine")
    local = engine.EngineConfig(
        database_url="postgres://local", admin_secret="local", jwt_secret_config={}, action_url="http://local"
    )
    deployed = {item["name"] for item in graphql_container["environment"] + graphql_container["secrets"]}
    assert set(local.environment()) - LOCAL_ONLY_ENGINE_SETTINGS == deployed


def test_metadata_reads_the_variables_the_container_gets(graphql_container: dict) -> None:
    actions = yaml.safe_load((HASURA_METADATA / "actions.yaml").read_text(encoding="utf-8"))["actions"]
    databases = yaml.safe_load((HASURA_METADATA / "databases" / "databases.yaml").read_text(encoding="utf-8"))
    container_names = {item["name"] for item in graphql_container["environment"] + graphql_container["secrets"]}
    handlers = {action["definition"]["handler"] for action in actions}
    source = next(database for database in databases if database["name"] == "default")
    assert handlers == {"{{HASURA_ACTION_PHENOM_URL}}"} and "HASURA_ACTION_PHENOM_URL" in container_names
    assert source["configuration"]["connection_info"]["database_url"]["from_env"] in container_names
