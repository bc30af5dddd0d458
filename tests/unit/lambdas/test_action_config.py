"""The action handler's configuration is read from the environment Terraform sets, each variable into its field."""

from __future__ import annotations

import pytest

from lambdas.action_handler.config import ActionConfig, load_config
from lambdas.shared.config import MissingEnvironmentVariable

pytestmark = pytest.mark.unit

ENVIRONMENT = {
    "APP_SECRETS_ID": "phenom-unit-app-secrets",
    "MEDIA_BUCKET": "phenom-unit-media-storage",
    "HASURA_GRAPHQL_URL": "https://api.example.test/v1/graphql",
    "COGNITO_USER_POOL_ID": "us-east-1_Unit123",
    "COGNITO_APP_CLIENT_ID": "unit-client-id",
}


@pytest.fixture
def terraform_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The variables Terraform gives the action handler, with no endpoint override."""
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


def test_each_variable_lands_in_its_own_field(terraform_environment: None) -> None:
    assert load_config() == ActionConfig(
        app_secrets_id="phenom-unit-app-secrets",
        media_bucket="phenom-unit-media-storage",
        graphql_url="https://api.example.test/v1/graphql",
        user_pool_id="us-east-1_Unit123",
        app_client_id="unit-client-id",
        aws_endpoint_url=None,
    )


def test_the_endpoint_override_is_read_when_set(terraform_environment: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    assert load_config().aws_endpoint_url == "http://127.0.0.1:5000"


@pytest.mark.parametrize("missing", sorted(ENVIRONMENT))
def test_a_missing_variable_is_named(
    terraform_environment: None, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.delenv(missing)
    with pytest.raises(MissingEnvironmentVariable, match=missing):
        load_config()
