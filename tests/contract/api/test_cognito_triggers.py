"""The Cognito triggers run for real in the local stack: the pre-token-generation Lambda's claims are in the ID
tokens moto signs and satisfy Hasura's JWT config; post-confirmation and post-authentication run the sync Lambda,
which fills the users row; only a pool whose LambdaConfig names a trigger runs it, and a failing trigger fails the
sign-in as Cognito does."""

from __future__ import annotations

import json
import uuid

import jwt
import psycopg
import pytest
from botocore.exceptions import ClientError

from phenom_stack.aws_bootstrap import new_password
from phenom_stack.names import lambda_arn

pytestmark = pytest.mark.contract

HASURA_NAMESPACE = "https://hasura.io/jwt/claims"
# The users columns are named after the Cognito attribute they hold, except id, which holds `sub`.
RENAMED_ATTRIBUTES = {"id": "sub"}
# Columns the stack's users must have filled: every standard attribute they are given at sign-up.
PROFILE_COLUMNS = {"id", "email", "email_verified", "name", "given_name", "family_name", "preferred_username", "locale"}


def authentication_result(cognito_client, client_id: str, username: str, password: str) -> dict:
    return cognito_client.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": password}
    )["AuthenticationResult"]


def verified_claims(token: str, local_stack) -> dict:
    """The token's claims after checking it the way Hasura's JWT config says (JWKS, RS256, audience, issuer)."""
    config = local_stack.jwt_secret_config
    key = jwt.PyJWKClient(config["jwk_url"]).get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=[config["type"]], audience=config["audience"], issuer=config["issuer"])


def users_row(database_url: str, sub: str) -> dict | None:
    with psycopg.connect(database_url) as connection:
        cursor = connection.execute("SELECT * FROM public.users WHERE id = %s", (sub,))
        row = cursor.fetchone()
        return None if row is None else dict(zip([column.name for column in cursor.description], row, strict=True))


def cognito_attributes(cognito_client, user_pool_id: str, username: str) -> dict[str, str]:
    user = cognito_client.admin_get_user(UserPoolId=user_pool_id, Username=username)
    return {attribute["Name"]: attribute["Value"] for attribute in user["UserAttributes"]}


def as_attribute(value) -> str:
    """A column value as Cognito writes the attribute (booleans as true/false)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


@pytest.fixture(scope="module")
def smoke_tokens(local_stack, cognito_client) -> dict:
    """The first stack user's AuthenticationResult (ID, access and refresh tokens)."""
    user = local_stack.users[0]
    return authentication_result(cognito_client, local_stack.client_id, user.username, user.password)


@pytest.fixture
def fresh_user(local_stack, cognito_client, database_url):
    """A user signed up now (not yet confirmed), removed from Cognito and the users table afterwards."""
    email = f"trigger-{uuid.uuid4().hex[:10]}@phenom.local"
    password = new_password()
    sub = cognito_client.sign_up(
        ClientId=local_stack.client_id,
        Username=email,
        Password=password,
        UserAttributes=[{"Name": "name", "Value": "Trigger Probe"}, {"Name": "locale", "Value": "de"}],
    )["UserSub"]
    try:
        yield {"username": email, "password": password, "sub": sub}
    finally:
        cognito_client.admin_delete_user(UserPoolId=local_stack.user_pool_id, Username=email)
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("DELETE FROM public.users WHERE id = %s", (sub,))


@pytest.fixture
def pool_with_triggers(local_stack, cognito_client):
    """Make a throwaway pool with the given LambdaConfig and a client; (pool id, client id); deleted afterwards."""
    created = []

    def make(lambda_config: dict) -> tuple[str, str]:
        pool_id = cognito_client.create_user_pool(
            PoolName=f"phenom-local-probe-{uuid.uuid4().hex[:8]}",
            UsernameAttributes=["email"],
            LambdaConfig=lambda_config,
        )["UserPool"]["Id"]
        created.append(pool_id)
        client_id = cognito_client.create_user_pool_client(UserPoolId=pool_id, ClientName="probe")["UserPoolClient"][
            "ClientId"
        ]
        return pool_id, client_id

    try:
        yield make
    finally:
        for pool_id in created:
            cognito_client.delete_user_pool(UserPoolId=pool_id)


def signed_up_and_confirmed(cognito_client, pool_id: str, client_id: str) -> tuple[str, str]:
    email, password = f"probe-{uuid.uuid4().hex[:8]}@phenom.local", new_password()
    cognito_client.sign_up(ClientId=client_id, Username=email, Password=password)
    cognito_client.admin_confirm_sign_up(UserPoolId=pool_id, Username=email)
    return email, password


def test_id_token_carries_hasura_claims_as_stringified_json(local_stack, smoke_tokens):
    # GIVEN the smoke user's ID token, verified like Hasura verifies it
    claims = verified_claims(smoke_tokens["IdToken"], local_stack)
    # THEN the Hasura namespace holds a JSON string (claims_format stringified_json)
    assert isinstance(claims.get(HASURA_NAMESPACE), str)
    hasura = json.loads(claims[HASURA_NAMESPACE])
    # AND it names the user and the roles Hasura requires, every value but allowed-roles a string
    assert hasura["x-hasura-user-id"] == local_stack.users[0].sub == claims["sub"]
    assert hasura["x-hasura-default-role"] == "user"
    assert "user" in hasura["x-hasura-allowed-roles"]
    assert all(isinstance(value, str) for key, value in hasura.items() if key != "x-hasura-allowed-roles")


def test_stack_config_matches_the_claims(local_stack, smoke_tokens):
    # GIVEN the engine's JWT config  THEN it reads the namespace the trigger writes, in the format it writes
    config = local_stack.jwt_secret_config
    claims = verified_claims(smoke_tokens["IdToken"], local_stack)
    assert config["claims_namespace"] == HASURA_NAMESPACE
    assert config["claims_format"] == "stringified_json"
    assert claims["token_use"] == "id"


def test_refreshed_id_token_carries_hasura_claims(local_stack, cognito_client, smoke_tokens):
    # WHEN the refresh token buys a new ID token (TokenGeneration_RefreshTokens)
    refreshed = cognito_client.initiate_auth(
        ClientId=local_stack.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": smoke_tokens["RefreshToken"]},
    )["AuthenticationResult"]
    # THEN the trigger ran for it too
    claims = verified_claims(refreshed["IdToken"], local_stack)
    assert json.loads(claims[HASURA_NAMESPACE])["x-hasura-user-id"] == local_stack.users[0].sub


def test_access_token_has_no_hasura_claims(smoke_tokens):
    # GIVEN a V1 trigger, which shapes the ID token only  THEN the access token is untouched
    claims = jwt.decode(smoke_tokens["AccessToken"], options={"verify_signature": False})
    assert claims["token_use"] == "access"
    assert HASURA_NAMESPACE not in claims


@pytest.mark.parametrize("index", [0, 1], ids=["smoke-user", "other-user"])
def test_sync_filled_users_row_from_cognito(local_stack, cognito_client, database_url, index):
    # GIVEN a stack user, confirmed at start (post-confirmation ran the sync Lambda)
    user = local_stack.users[index]
    attributes = cognito_attributes(cognito_client, local_stack.user_pool_id, user.username)
    # WHEN the users row is read straight from Postgres
    row = users_row(database_url, user.sub)
    # THEN every column that has a Cognito attribute holds that attribute
    assert row is not None, f"no users row for {user.username}: see {local_stack.log_dir} for the sync Lambda's log"
    with_attribute = {column: RENAMED_ATTRIBUTES.get(column, column) for column in row}
    with_attribute = {column: attribute for column, attribute in with_attribute.items() if attribute in attributes}
    mismatched = {
        column: (row[column], attributes[attribute])
        for column, attribute in with_attribute.items()
        if row[column] is None or as_attribute(row[column]) != attributes[attribute]
    }
    assert mismatched == {}
    assert set(with_attribute) >= PROFILE_COLUMNS, "the stack's users should carry every profile attribute"


def test_post_confirmation_creates_the_users_row(local_stack, cognito_client, database_url, fresh_user):
    # GIVEN a signed-up user without a row
    assert users_row(database_url, fresh_user["sub"]) is None
    # WHEN the user is confirmed
    cognito_client.admin_confirm_sign_up(UserPoolId=local_stack.user_pool_id, Username=fresh_user["username"])
    # THEN the sync Lambda wrote the row
    row = users_row(database_url, fresh_user["sub"])
    assert row is not None
    assert (row["email"], row["name"], row["locale"]) == (fresh_user["username"], "Trigger Probe", "de")


def test_post_authentication_syncs_changed_attributes(local_stack, cognito_client, database_url, fresh_user):
    # GIVEN a confirmed user whose name changes in Cognito afterwards
    cognito_client.admin_confirm_sign_up(UserPoolId=local_stack.user_pool_id, Username=fresh_user["username"])
    cognito_client.admin_update_user_attributes(
        UserPoolId=local_stack.user_pool_id,
        Username=fresh_user["username"],
        UserAttributes=[{"Name": "name", "Value": "Renamed Probe"}],
    )
    # WHEN the user signs in
    authentication_result(cognito_client, local_stack.client_id, fresh_user["username"], fresh_user["password"])
    # THEN post-authentication synced the new name
    assert users_row(database_url, fresh_user["sub"])["name"] == "Renamed Probe"


def test_pool_without_lambda_config_runs_no_trigger(cognito_client, pool_with_triggers):
    # GIVEN a pool whose LambdaConfig names no trigger
    pool_id, client_id = pool_with_triggers({})
    email, password = signed_up_and_confirmed(cognito_client, pool_id, client_id)
    # WHEN a user signs in  THEN the ID token has no Hasura claims
    token = authentication_result(cognito_client, client_id, email, password)["IdToken"]
    assert HASURA_NAMESPACE not in jwt.decode(token, options={"verify_signature": False})


def test_failing_trigger_fails_the_sign_in(cognito_client, pool_with_triggers):
    # GIVEN a pool whose pre-token-generation trigger names a function no host serves
    missing = lambda_arn(f"phenom-local-missing-{uuid.uuid4().hex[:6]}")
    pool_id, client_id = pool_with_triggers({"PreTokenGeneration": missing})
    email, password = signed_up_and_confirmed(cognito_client, pool_id, client_id)
    # WHEN the user signs in  THEN Cognito's error for a failed trigger comes back
    with pytest.raises(ClientError) as refused:
        authentication_result(cognito_client, client_id, email, password)
    assert refused.value.response["Error"]["Code"] == "UserLambdaValidationException"
    assert refused.value.response["Error"]["Message"].startswith("PreTokenGeneration failed with error ")
