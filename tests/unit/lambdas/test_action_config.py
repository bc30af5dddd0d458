"""The action handler's configuration is read from the environment Terraform sets, each variable into its field."""

from __future__ import annotations

import pytest

from lambdas.action_handler.config import ActionConfig, load_config
from lambdas.shared.config import ConfigError, MissingEnvironmentVariable

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


def _config(user_pool_id: str, aws_endpoint_url: str | None = None) -> ActionConfig:
    return ActionConfig(
        app_secrets_id="s",
        media_bucket="b",
        graphql_url="g",
        user_pool_id=user_pool_id,
        app_client_id="c",
        aws_endpoint_url=aws_endpoint_url,
    )


@pytest.mark.parametrize(
    ("user_pool_id", "region"), [("eu-west-2_AbC123", "eu-west-2"), ("us-gov-west-1_Z9", "us-gov-west-1")]
)
def test_the_pools_issuer_and_jwks_are_cognitos_in_the_region_its_id_names(user_pool_id, region):
    config = _config(user_pool_id)
    assert config.pool_region == region
    assert config.issuer == f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
    assert config.jwks_url == f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}/.well-known/jwks.json"


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:5000", "http://127.0.0.1:5000/"], ids=["bare", "slash"])
def test_the_endpoint_override_serves_the_jwks_but_the_issuer_stays_cognitos(endpoint):
    config = _config("us-east-1_Unit123", endpoint)
    assert config.jwks_url == "http://127.0.0.1:5000/us-east-1_Unit123/.well-known/jwks.json"
    assert config.issuer == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Unit123"


@pytest.mark.parametrize("user_pool_id", ["Unit123", "us-east-1Unit123", "US-EAST-1_Unit123", "us-east-1_"])
def test_a_pool_id_without_a_region_is_refused_saying_what_one_looks_like(user_pool_id):
    config = _config(user_pool_id)
    with pytest.raises(ConfigError) as refused:
        assert config.issuer
    assert str(refused.value) == (f"COGNITO_USER_POOL_ID {user_pool_id!r} is not a pool id like us-east-1_AbC123")
