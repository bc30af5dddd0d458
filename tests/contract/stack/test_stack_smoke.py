"""The local stack as every suite sees it: fields set, everything on loopback, secrets kept out of reprs, the
resources named like the environment's, users who can sign in, an engine that answers."""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import urlsplit

import pytest

from phenom_stack import names
from phenom_stack.hasura_project import recorded_user_ids

pytestmark = pytest.mark.contract

URL_FIELDS = ("graphql_url", "metadata_url", "query_url", "action_url", "aws_endpoint_url")


def test_every_field_is_set(local_stack):
    empty = [
        field.name
        for field in dataclasses.fields(local_stack)
        if getattr(local_stack, field.name) in ("", None, (), {})
    ]
    assert empty == []
    assert local_stack.stack in ("hermetic", "docker")
    assert len(local_stack.users) == 2


@pytest.mark.parametrize("field", URL_FIELDS)
def test_urls_are_on_loopback(local_stack, field):
    assert urlsplit(getattr(local_stack, field)).hostname == "127.0.0.1"


def test_engine_fetches_jwks_from_loopback(local_stack):
    assert urlsplit(local_stack.jwt_secret_config["jwk_url"]).hostname == "127.0.0.1"


def test_names_mirror_the_environment(local_stack, cognito_client):
    # GIVEN the stack's resources  THEN they are named phenom-local-..., as prod's are phenom-prod-...
    pool = cognito_client.describe_user_pool(UserPoolId=local_stack.user_pool_id)["UserPool"]
    client = cognito_client.describe_user_pool_client(
        UserPoolId=local_stack.user_pool_id, ClientId=local_stack.client_id
    )["UserPoolClient"]
    assert (pool["Name"], client["ClientName"]) == ("phenom-local", "phenom-local-hasura-client")
    assert (local_stack.media_bucket, local_stack.app_secrets_id, local_stack.smoke_secret_id) == (
        "phenom-local-media-storage",
        "phenom-local-app-secrets",
        "phenom-local-smoke-credentials",
    )


def test_pool_wires_the_triggers_like_terraform(local_stack, cognito_client):
    pool = cognito_client.describe_user_pool(UserPoolId=local_stack.user_pool_id)["UserPool"]
    assert pool["LambdaConfig"] == {
        "PreTokenGeneration": names.lambda_arn("phenom-local-hasura-cognito-trigger"),
        "PostConfirmation": names.lambda_arn("phenom-local-hasura-cognito-sync-users"),
        "PostAuthentication": names.lambda_arn("phenom-local-hasura-cognito-sync-users"),
    }


def test_repr_keeps_secrets_out(local_stack):
    shown = repr(local_stack)
    assert local_stack.admin_secret not in shown
    assert all(user.password not in shown for user in local_stack.users)


def test_users_can_sign_in(local_stack, cognito_client):
    for user in local_stack.users:
        result = cognito_client.initiate_auth(
            ClientId=local_stack.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
        )["AuthenticationResult"]
        assert result["IdToken"] and result["TokenType"] == "Bearer"


def test_smoke_secret_holds_the_first_user(local_stack, secrets_client):
    stored = json.loads(secrets_client.get_secret_value(SecretId=local_stack.smoke_secret_id)["SecretString"])
    assert stored == {"username": local_stack.users[0].username, "password": local_stack.users[0].password}


def test_app_secret_holds_what_the_lambdas_read(local_stack, secrets_client):
    stored = json.loads(secrets_client.get_secret_value(SecretId=local_stack.app_secrets_id)["SecretString"])
    assert set(stored) == {"database_url", "jwt_secret", "graphql_admin_secret"}
    assert stored["graphql_admin_secret"] == local_stack.admin_secret
    assert json.loads(stored["jwt_secret"]) == local_stack.jwt_secret_config


def test_media_bucket_is_versioned(local_stack, s3_client):
    assert s3_client.get_bucket_versioning(Bucket=local_stack.media_bucket)["Status"] == "Enabled"


def test_engine_answers_admin_graphql(local_stack):
    # recorded_user_ids fails on any answer but a 200 with data
    recorded = recorded_user_ids(local_stack.graphql_url, local_stack.admin_secret)
    assert recorded >= {user.sub for user in local_stack.users}


def test_to_json_is_one_line_with_every_endpoint(local_stack):
    document = local_stack.to_json()
    assert "\n" not in document
    parsed = json.loads(document)
    assert {field: parsed[field] for field in URL_FIELDS} == {
        field: getattr(local_stack, field) for field in URL_FIELDS
    }
    assert [user["username"] for user in parsed["users"]] == [user.username for user in local_stack.users]
