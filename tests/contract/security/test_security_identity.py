"""Who the caller is comes from the verified token only: the trigger's claims work with the engine's JWT
config, the sync Lambda records the Cognito attributes, and identities claimed in a request are ignored."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from lambdas.cognito_sync_users.columns import USERS_INSERT_INPUT, scalar_columns
from lambdas.cognito_sync_users.mapping import CONVERTERS
from tests.contract.backend_calls import (
    bearer,
    create_phenom_as,
    error_codes,
    post_graphql,
    post_to_function_url,
    session_variables_of,
)
from tests.contract.cleanup import delete_phenom_as
from tests.contract.sign_in import new_user, unverified_claims

pytestmark = [pytest.mark.contract, pytest.mark.exclusive_stack]

HASURA_NAMESPACE = "https://hasura.io/jwt/claims"
OWN_PROFILE = "query OwnProfile { users { id } }"
GET_PHENOM_IDS = "query PhenomIds { getPhenoms(limit: 100) { id } }"
# Columns the database fills itself; every other users column is named after the Cognito attribute it holds.
DATABASE_MANAGED_COLUMNS = {"created_at", "updated_at"}


@pytest.fixture(scope="module")
def phenom_of_a(action_url, user_a) -> str:
    """The id of a phenom owned by user A, deleted after the module."""
    phenom_id = create_phenom_as(action_url, user_a, ["owned-by-a.jpg"])["phenomId"]
    yield phenom_id
    delete_phenom_as(action_url, user_a, phenom_id)


@pytest.fixture(scope="module")
def phenom_of_b(action_url, user_b) -> str:
    """The id of a phenom owned by user B, deleted after the module."""
    phenom_id = create_phenom_as(action_url, user_b, ["owned-by-b.jpg"])["phenomId"]
    yield phenom_id
    delete_phenom_as(action_url, user_b, phenom_id)


def _owned_phenom_ids(database_url: str, sub: str) -> set[str]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute("SELECT id::text FROM public.phenoms WHERE owner_id = %s", (sub,))
        return {row_id for (row_id,) in rows}


def _owner_of(database_url: str, phenom_id: str) -> str | None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        row = connection.execute("SELECT owner_id::text FROM public.phenoms WHERE id = %s", (phenom_id,)).fetchone()
    return row[0] if row else None


def _users_columns(database_url: str) -> set[str]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users'"
        )
        return {name for (name,) in rows}


def _users_row(database_url: str, sub: str) -> dict | None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        cursor = connection.execute("SELECT * FROM public.users WHERE id = %s", (sub,))
        row = cursor.fetchone()
        return dict(zip([column.name for column in cursor.description], row, strict=True)) if row else None


def _cognito_attributes(cognito_client, user_pool_id: str, username: str) -> dict[str, str]:
    """The user's attributes as Cognito holds them, plus `id` for `sub` (the column the sync Lambda maps it to)."""
    reply = cognito_client.admin_get_user(UserPoolId=user_pool_id, Username=username)
    attributes = {item["Name"]: item["Value"] for item in reply["UserAttributes"]}
    return {**attributes, "id": attributes["sub"]}


def _as_cognito_value(value) -> str:
    """A column value written the way Cognito writes attribute values (booleans as 'true'/'false')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_trigger_puts_stringified_hasura_claims_in_the_id_token(user_a):
    # GIVEN the ID token moto issued with the pre-token-generation trigger wired in
    claims = unverified_claims(user_a.id_token)
    # THEN the Hasura namespace is a JSON string (claims_format stringified_json) naming the user and role
    namespace = claims.get(HASURA_NAMESPACE)
    assert isinstance(namespace, str), "Hasura claims must be a JSON string (pre-token-generation V1 adds strings only)"
    hasura_claims = json.loads(namespace)
    assert hasura_claims.get("x-hasura-user-id") == user_a.sub, "x-hasura-user-id is not the token's sub"
    assert hasura_claims.get("x-hasura-default-role") == "user", "default role is not user"
    assert "user" in hasura_claims.get("x-hasura-allowed-roles", []), "role user is not allowed"


def test_trigger_claims_values_are_strings_except_allowed_roles(user_a):
    hasura_claims = json.loads(unverified_claims(user_a.id_token)[HASURA_NAMESPACE])
    not_strings = [
        name for name, value in hasura_claims.items() if name != "x-hasura-allowed-roles" and not isinstance(value, str)
    ]
    assert not not_strings, f"Hasura refuses non-string session variables (jwt-invalid-claims): {not_strings}"


def test_engine_accepts_trigger_claims_as_role_user(graphql_url, user_a):
    # GIVEN a real ID token carrying the trigger's claims
    # WHEN it reads the users table through the engine
    reply = post_graphql(graphql_url, OWN_PROFILE, authorization=bearer(user_a.id_token))
    # THEN the engine accepts it as role user with the token's sub: exactly the caller's own row is visible
    assert "errors" not in reply, f"engine refused the trigger's claims: {error_codes(reply)}"
    assert reply["data"]["users"] == [{"id": user_a.sub}], "role user did not see exactly its own users row"


def test_sync_fills_every_users_column_that_has_a_cognito_attribute(local_stack, cognito_client, database_url):
    # GIVEN the stack's users, synced by the post-confirmation / post-authentication trigger
    columns = _users_columns(database_url) - DATABASE_MANAGED_COLUMNS
    mismatches, compared = [], set()
    for user in local_stack.users:
        attributes = _cognito_attributes(cognito_client, local_stack.user_pool_id, user.username)
        row = _users_row(database_url, attributes["sub"])
        assert row is not None, f"no users row for {user.username}: the sync Lambda did not run or did not write"
        # THEN every column with a same-named Cognito attribute holds that attribute's value
        for column in sorted(columns & attributes.keys()):
            compared.add(column)
            if _as_cognito_value(row[column]) != attributes[column]:
                mismatches.append(f"{user.username}.{column}: db {row[column]!r}, cognito {attributes[column]!r}")
    assert {"id", "email"} <= compared, f"stack users compared on too few columns: {sorted(compared)}"
    assert not mismatches, "users rows differ from Cognito:\n" + "\n".join(mismatches)


def _attribute_value(column: str, username: str) -> str:
    return {"email": username, "email_verified": "true", "locale": "en-GB"}.get(column, f"Contract {column}")


@pytest.fixture
def fully_described_user(local_stack, cognito_client, database_url) -> Iterator[tuple[str, dict[str, str]]]:
    """A new user given a Cognito attribute for every users column, signed in once; removed with its row after."""
    columns = _users_columns(database_url) - DATABASE_MANAGED_COLUMNS - {"id"}
    username = f"contract-sync-{uuid.uuid4().hex[:12]}@example.test"
    attributes = {column: _attribute_value(column, username) for column in sorted(columns)}
    with new_user(local_stack, cognito_client, attributes) as user:
        yield user.sub, attributes


def test_sync_fills_every_users_column_of_a_fully_described_user(fully_described_user, database_url):
    # GIVEN a user with a Cognito attribute for every users column, signed in (post authentication ran)
    sub, attributes = fully_described_user
    row = _users_row(database_url, sub)
    assert row is not None, "no users row after sign-in: the post-authentication sync did not write"
    # THEN each column holds its attribute's value
    mismatches = [
        f"{column}: db {row[column]!r}, cognito {value!r}"
        for column, value in attributes.items()
        if _as_cognito_value(row[column]) != value
    ]
    assert not mismatches, "sync left columns unfilled or wrong:\n" + "\n".join(mismatches)


def test_sync_lambda_converts_every_users_column_type(graphql_url, admin_secret):
    # GIVEN the users columns as the sync Lambda discovers them (introspection of users_insert_input)
    reply = post_graphql(graphql_url, USERS_INSERT_INPUT, headers={"x-hasura-admin-secret": admin_secret})
    assert "errors" not in reply, f"users_insert_input introspection refused: {error_codes(reply)}"
    columns = scalar_columns(reply["data"])
    # THEN it knows how to convert a Cognito attribute string into each column's type
    synced = {column: scalar for column, scalar in columns.items() if column not in DATABASE_MANAGED_COLUMNS}
    unconvertible = {column: scalar for column, scalar in synced.items() if scalar not in CONVERTERS}
    assert not unconvertible, f"the sync Lambda would skip these users columns: {unconvertible}"


def test_body_session_variables_do_not_change_who_reads(
    action_url, database_url, user_a, user_b, phenom_of_a, phenom_of_b
):
    # GIVEN user A's genuine token but a body whose session variables claim to be user B
    reply = post_to_function_url(
        action_url,
        "getPhenoms",
        {"limit": 100},
        authorization=bearer(user_a.id_token),
        session_variables=session_variables_of(user_b.sub),
    )
    # WHEN the handler answers
    assert reply.status_code == 200, f"getPhenoms failed with HTTP {reply.status_code}"
    returned = {phenom["id"] for phenom in reply.json()}
    # THEN it answers for A, the token's user: A's phenom is there and nothing of B's
    assert phenom_of_a in returned, "the token's own phenom is missing"
    assert phenom_of_b not in returned, "the body's claimed user B got their phenom listed"
    assert returned <= _owned_phenom_ids(database_url, user_a.sub), "getPhenoms returned phenoms that are not A's"


def test_body_session_variables_do_not_change_who_owns(action_url, database_url, user_a, user_b):
    # GIVEN user A's genuine token and a body claiming to be user B
    reply = post_to_function_url(
        action_url,
        "createPhenom",
        {"input": {"lat": 1.0, "lng": 2.0, "filenames": ["claimed-identity.jpg"], "media_type": "image"}},
        authorization=bearer(user_a.id_token),
        session_variables=session_variables_of(user_b.sub),
    )
    assert reply.status_code == 200, f"createPhenom failed with HTTP {reply.status_code}"
    phenom_id = reply.json()["phenomId"]
    try:
        # THEN the phenom lands owned by A
        assert _owner_of(database_url, phenom_id) == user_a.sub, "phenom is not owned by the token's user"
    finally:
        delete_phenom_as(action_url, user_a, phenom_id)


def test_graphql_user_id_header_does_not_change_who_reads(graphql_url, user_a, user_b, phenom_of_a, phenom_of_b):
    # GIVEN A's token plus an x-hasura-user-id header naming B (JWT mode takes session variables from the claims)
    reply = post_graphql(
        graphql_url, GET_PHENOM_IDS, authorization=bearer(user_a.id_token), headers={"x-hasura-user-id": user_b.sub}
    )
    assert "errors" not in reply, f"getPhenoms refused: {error_codes(reply)}"
    returned = {phenom["id"] for phenom in reply["data"]["getPhenoms"]}
    # THEN the reply is A's: A's phenom is there, B's is not
    assert phenom_of_a in returned and phenom_of_b not in returned, "the header changed whose phenoms were read"
