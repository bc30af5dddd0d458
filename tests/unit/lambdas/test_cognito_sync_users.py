"""The users sync trigger: columns found by introspection, attributes converted by type, the event always returned."""

from __future__ import annotations

import copy
import json
import uuid

import pytest
from graphql import parse

from lambdas.cognito_sync_users.columns import IntrospectionError, scalar_columns
from lambdas.cognito_sync_users.handler import handler
from lambdas.cognito_sync_users.mapping import build_upsert_document, column_for, user_row
from tests.kit.events import cognito_event, lambda_context
from tests.kit.fake_hasura import graphql_error
from tests.kit.fixture_values import ADMIN_SECRET

pytestmark = pytest.mark.unit


def _scalar(name: str, non_null: bool = False) -> dict:
    scalar = {"kind": "SCALAR", "name": name, "ofType": None}
    return {"kind": "NON_NULL", "name": None, "ofType": scalar} if non_null else scalar


# users_insert_input as Hasura describes the table of the init migration (plus one custom attribute column).
USERS_INSERT_INPUT = {
    "__type": {
        "inputFields": [
            {"name": "id", "type": _scalar("uuid")},
            {"name": "email", "type": _scalar("String")},
            {"name": "email_verified", "type": _scalar("Boolean")},
            {"name": "name", "type": _scalar("String")},
            {"name": "given_name", "type": _scalar("String")},
            {"name": "locale", "type": _scalar("String")},
            {"name": "custom_team", "type": _scalar("String", non_null=True)},
            {"name": "created_at", "type": _scalar("timestamptz")},
            {"name": "updated_at", "type": _scalar("timestamptz")},
            {
                "name": "phenoms",
                "type": {"kind": "INPUT_OBJECT", "name": "phenoms_arr_rel_insert_input", "ofType": None},
            },
        ]
    }
}
COLUMNS = scalar_columns(USERS_INSERT_INPUT)
SYNC_REQUEST_ID = "sync-request-7"


def _attributes(sub: str, **extra: str) -> dict[str, str]:
    return {
        "sub": sub,
        "email": "carol@example.com",
        "email_verified": "true",
        "cognito:user_status": "CONFIRMED",
        **extra,
    }


def test_introspection_gives_scalar_columns_only():
    assert dict(COLUMNS) == {
        "id": "uuid",
        "email": "String",
        "email_verified": "Boolean",
        "name": "String",
        "given_name": "String",
        "locale": "String",
        "custom_team": "String",
        "created_at": "timestamptz",
        "updated_at": "timestamptz",
    }


def test_schema_without_users_insert_input_is_reported():
    with pytest.raises(IntrospectionError, match="track public.users"):
        scalar_columns({"__type": None})


@pytest.mark.parametrize(
    ("attribute", "column"),
    [("sub", "id"), ("email", "email"), ("custom:team", "custom_team")],
    ids=["sub", "email", "custom"],
)
def test_attribute_to_column_names(attribute, column):
    assert column_for(attribute) == column


def test_row_converts_by_column_type_and_ignores_unknown_attributes():
    sub = str(uuid.uuid4())
    attributes = _attributes(
        sub, **{"custom:team": "blue", "custom:unmapped": "x", "updated_at": "1767225600", "phone_number": "+1"}
    )
    row, skipped = user_row(attributes, COLUMNS)
    assert row == {"id": sub, "email": "carol@example.com", "email_verified": True, "custom_team": "blue"}
    assert sorted(skipped) == ["cognito:user_status", "custom:unmapped", "phone_number", "updated_at"]


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False), ("False", False), ("TRUE", True)])
def test_boolean_attributes(value, expected):
    row, _ = user_row({"email_verified": value}, COLUMNS)
    assert row == {"email_verified": expected}


@pytest.mark.parametrize("value", ["yes", "1", ""], ids=["yes", "one", "empty"])
def test_unconvertible_boolean_is_skipped(value):
    assert user_row({"email_verified": value}, COLUMNS) == ({}, ["email_verified"])


def test_sub_that_is_not_a_uuid_is_skipped():
    assert user_row({"sub": "not-a-uuid"}, COLUMNS) == ({}, ["sub"])


def test_upsert_document_updates_every_mapped_column_but_id():
    document = build_upsert_document(["email", "email_verified", "id"])
    parse(document)
    assert document == (
        "mutation UpsertUser($user: users_insert_input!) {\n"
        "  insert_users_one(object: $user, on_conflict: {constraint: users_pkey, update_columns: [email, email_verified]})"
        " {\n"
        "    id\n"
        "  }\n"
        "}\n"
    )


def test_upsert_document_refuses_names_that_are_not_graphql_names():
    with pytest.raises(ValueError, match="not GraphQL names"):
        build_upsert_document(["id", "email] } mutation { x"])


@pytest.fixture
def hasura_with_users_table(fake_hasura):
    """The fake Hasura answering the introspection and accepting upserts."""
    fake_hasura.answer("UsersInsertInput", USERS_INSERT_INPUT)
    fake_hasura.answer(
        "UpsertUser", lambda variables: (200, {"data": {"insert_users_one": {"id": variables["user"]["id"]}}})
    )
    return fake_hasura


@pytest.mark.parametrize("trigger_source", ["PostConfirmation_ConfirmSignUp", "PostAuthentication_Authentication"])
def test_handler_upserts_the_user_and_returns_the_event_unchanged(trigger_env, hasura_with_users_table, trigger_source):
    # GIVEN a confirmation or sign-in event
    sub = str(uuid.uuid4())
    event = cognito_event(trigger_source, _attributes(sub, name="Carol"))
    before = copy.deepcopy(event)
    # WHEN the trigger runs
    returned = handler(event, lambda_context())
    # THEN it introspected, then upserted the mapped row with the admin secret, and returned the event as it came
    assert returned == before
    introspection, upsert = hasura_with_users_table.calls
    assert (introspection.operation, upsert.operation, upsert.admin_secret) == (
        "UsersInsertInput",
        "UpsertUser",
        ADMIN_SECRET,
    )
    assert upsert.variables == {
        "user": {"id": sub, "email": "carol@example.com", "email_verified": True, "name": "Carol"}
    }
    assert "update_columns: [email, email_verified, name]" in upsert.query


def test_introspection_is_cached_per_container(trigger_env, hasura_with_users_table):
    for _ in range(2):
        handler(cognito_event("PostAuthentication_Authentication", _attributes(str(uuid.uuid4()))), lambda_context())
    assert hasura_with_users_table.operations() == ["UsersInsertInput", "UpsertUser", "UpsertUser"]


BREAKAGES = {
    "upsert-error": lambda event, hasura: hasura.answer(
        "UpsertUser", graphql_error("constraint-violation", "Uniqueness violation.")
    ),
    "introspection-error": lambda event, hasura: hasura.answer(
        "UsersInsertInput", graphql_error("access-denied", "denied")
    ),
    "no-sub": lambda event, hasura: event["request"]["userAttributes"].pop("sub"),
    "no-attributes": lambda event, hasura: event["request"].pop("userAttributes"),
}
# The last line of the logged traceback: what an operator reads first.
FAILURE_CAUSES = {
    "upsert-error": "lambdas.shared.hasura.HasuraGraphQLError: constraint-violation: Uniqueness violation.",
    "introspection-error": "lambdas.shared.hasura.HasuraGraphQLError: access-denied: denied",
    "no-sub": "lambdas.cognito_sync_users.sync.MissingUserId: the event's userAttributes have no usable sub",
    "no-attributes": "KeyError: 'userAttributes'",
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_failures_are_logged_and_the_event_still_returned(trigger_env, hasura_with_users_table, log_lines, breakage):
    # GIVEN one thing that makes the sync fail
    event = cognito_event("PostConfirmation_ConfirmSignUp", _attributes(str(uuid.uuid4())))
    BREAKAGES[breakage](event, hasura_with_users_table)
    before = copy.deepcopy(event)
    # WHEN the trigger runs, THEN it returns the event as it came
    assert handler(event, lambda_context(SYNC_REQUEST_ID)) == before
    # AND logs one error naming the trigger and the cause, stamped with the invocation's request id
    failure = json.loads(log_lines[-1])
    assert failure.pop("exception").splitlines()[-1] == FAILURE_CAUSES[breakage]
    assert failure == {
        "level": "ERROR",
        "logger": "phenom.cognito_sync_users",
        "message": "user sync failed",
        "request_id": SYNC_REQUEST_ID,
        "trigger_source": "PostConfirmation_ConfirmSignUp",
    }


def test_a_synced_user_is_logged_with_the_columns_written_and_the_attributes_skipped(
    trigger_env, hasura_with_users_table, log_lines
):
    sub = str(uuid.uuid4())
    handler(cognito_event("PostAuthentication_Authentication", _attributes(sub)), lambda_context(SYNC_REQUEST_ID))
    assert [json.loads(line) for line in log_lines] == [
        {
            "level": "INFO",
            "logger": "phenom.cognito_sync_users",
            "message": "user synced",
            "request_id": SYNC_REQUEST_ID,
            "user_id": sub,
            "columns": ["email", "email_verified", "id"],
            "skipped_attributes": ["cognito:user_status"],
        }
    ]


def test_missing_environment_is_logged_and_the_event_returned(monkeypatch, log_lines):
    monkeypatch.delenv("HASURA_GRAPHQL_URL", raising=False)
    monkeypatch.setenv("APP_SECRETS_ID", "x")
    event = cognito_event("PostConfirmation_ConfirmSignUp", _attributes(str(uuid.uuid4())))
    assert handler(event, lambda_context()) is event
    assert "HASURA_GRAPHQL_URL" in json.loads(log_lines[-1])["exception"]
