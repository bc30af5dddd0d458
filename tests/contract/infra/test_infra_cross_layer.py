"""infra/ agrees with the layers around it: lambdas/, hasura/, the local stack and phenom_client/environments.toml."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tomllib

import pytest
import yaml

from lambdas.registry import COGNITO_TRIGGER, LAMBDAS, RUNTIME_ENVIRONMENT, LambdaFunction
from lambdas.shared.config import MissingEnvironmentVariable
from phenom_client.environments import ENVIRONMENTS_FILE
from phenom_infra.facts import hasura_image, postgres_engine_version
from phenom_infra.hcl import REPO_ROOT
from phenom_infra.instances import ModuleInstance, environment

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


def by_name(function: LambdaFunction) -> str:
    """Test id: the Lambda's package name."""
    return function.package


@pytest.mark.parametrize("function", LAMBDAS, ids=by_name)
def test_handler_string_resolves_to_a_function_in_lambdas(production: ModuleInstance, function: LambdaFunction) -> None:
    handler = production.module(function.package).resource("aws_lambda_function", "this")["handler"]
    module_path, _, function_name = handler.rpartition(".")
    assert callable(getattr(importlib.import_module(module_path), function_name, None)), handler


@pytest.mark.parametrize("function", LAMBDAS, ids=by_name)
def test_lambda_reads_exactly_the_variables_terraform_sets(
    production: ModuleInstance, function: LambdaFunction, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN exactly the variables Terraform sets on the function, none of the runtime's
    variables = production.module(function.package).resource("aws_lambda_function", "this")["environment"][0][
        "variables"
    ]
    for name in {name for other in LAMBDAS for name in other.environment} | RUNTIME_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    for name in variables:
        monkeypatch.setenv(name, "set-by-terraform")
    config = importlib.import_module(f"lambdas.{function.package}.config")
    # THEN the one config module through which the Lambda reads its environment needs nothing more
    assert config.load_config()
    # AND it needs each of them, and the optional names it reads are the runtime's or a local run's
    for name in variables:
        monkeypatch.delenv(name)
        with pytest.raises(MissingEnvironmentVariable) as missing:
            config.load_config()
        assert missing.value.name == name
        monkeypatch.setenv(name, "set-by-terraform")
    assert set(function.optional_environment) <= RUNTIME_ENVIRONMENT
    assert not set(variables) & RUNTIME_ENVIRONMENT


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
    engine = importlib.import_module("phenom_stack.engine_config")
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
    engine = importlib.import_module("phenom_stack.engine_config")
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
