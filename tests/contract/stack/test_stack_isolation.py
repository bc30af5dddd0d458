"""The stack's AWS state lives in a moto process of its own: moto used in the test process (`mock_aws`, as the unit
tests use it) resets only this process's backends when it ends, never the stack's pool, client, bucket or secrets."""

from __future__ import annotations

import boto3
import jwt
import pytest
from moto import mock_aws

from phenom_stack import names
from tests.contract.sign_in import sign_in_stack_user

pytestmark = pytest.mark.contract

HASURA_NAMESPACE = "https://hasura.io/jwt/claims"


@pytest.fixture
def in_process_moto_used_and_left(local_stack) -> None:
    """moto's in-process mock entered, given look-alikes of the stack's resources, and left (which resets it)."""
    with mock_aws():
        in_process = boto3.session.Session(region_name=local_stack.region)
        in_process.client("cognito-idp").create_user_pool(PoolName=names.USER_POOL_NAME)
        in_process.client("s3").create_bucket(Bucket=local_stack.media_bucket)
        in_process.client("secretsmanager").create_secret(Name=local_stack.app_secrets_id, SecretString="{}")


def test_stack_resources_outlive_in_process_moto(
    in_process_moto_used_and_left, local_stack, cognito_client, s3_client, secrets_client
):
    # GIVEN moto was used and reset in the test process  THEN the stack's pool, client, bucket and secrets remain
    pool = cognito_client.describe_user_pool(UserPoolId=local_stack.user_pool_id)["UserPool"]
    client = cognito_client.describe_user_pool_client(
        UserPoolId=local_stack.user_pool_id, ClientId=local_stack.client_id
    )["UserPoolClient"]
    assert (pool["Name"], client["ClientName"]) == (names.USER_POOL_NAME, names.APP_CLIENT_NAME)
    assert s3_client.head_bucket(Bucket=local_stack.media_bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200
    for secret_id in (local_stack.app_secrets_id, local_stack.smoke_secret_id):
        assert secrets_client.describe_secret(SecretId=secret_id)["Name"] == secret_id


def test_stack_user_signs_in_after_in_process_moto(in_process_moto_used_and_left, local_stack, cognito_client):
    # GIVEN moto was used and reset in the test process
    # WHEN the smoke user signs in to the stack's pool
    user = sign_in_stack_user(local_stack, cognito_client, 0)
    # THEN it is the stack's user, and the trigger wiring in the moto process still shaped the ID token
    assert user.sub == local_stack.users[0].sub
    assert HASURA_NAMESPACE in jwt.decode(user.id_token, options={"verify_signature": False})
