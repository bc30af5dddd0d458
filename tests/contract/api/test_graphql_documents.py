"""Every GraphQL document the Lambdas and the client send validates against the engine's own schema, as
the engine shows it to the role that sends it (admin for the Lambdas, user for the client), and against that
role's committed snapshot in hasura/schema/ (the schema the contract holds the engine to)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_client_schema, get_introspection_query, graphql_sync, parse, validate

from lambdas.cognito_sync_users.columns import USERS_INSERT_INPUT, scalar_columns
from lambdas.cognito_sync_users.mapping import build_upsert_document
from phenom_client.api_schema import read_snapshot
from phenom_client.documents import DOCUMENTS_DIR
from tests.contract.backend_calls import bearer, error_codes, post_graphql

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[3]
LAMBDA_DOCUMENTS = sorted((REPO / "lambdas").rglob("*.graphql"))
CLIENT_DOCUMENTS = sorted(DOCUMENTS_DIR.glob("*.graphql"))


def _file_name(path: Path) -> str:
    return path.name


def _schema(graphql_url: str, **credentials) -> GraphQLSchema:
    reply = post_graphql(graphql_url, get_introspection_query(descriptions=False), **credentials)
    assert "errors" not in reply, f"introspection refused: {error_codes(reply)}"
    return build_client_schema(reply["data"])


# Each document is validated twice: against the engine's introspection and against the committed snapshot.
SCHEMA_SOURCES = ("engine", "snapshot")


@pytest.fixture(scope="module", params=SCHEMA_SOURCES)
def admin_schema(request, graphql_url, admin_secret) -> GraphQLSchema:
    """The admin role's (the Lambdas') schema: the engine's introspection, or hasura/schema/admin.graphql."""
    if request.param == "snapshot":
        return _snapshot("admin")
    return _schema(graphql_url, headers={"x-hasura-admin-secret": admin_secret})


@pytest.fixture(scope="module", params=SCHEMA_SOURCES)
def user_schema(request, graphql_url, user_a) -> GraphQLSchema:
    """Role user's schema: the engine's introspection through a real ID token, or hasura/schema/user.graphql."""
    if request.param == "snapshot":
        return _snapshot("user")
    return _schema(graphql_url, authorization=bearer(user_a.id_token))


def _snapshot(role: str) -> GraphQLSchema:
    schema = read_snapshot(role)
    assert schema is not None, f"hasura/schema/{role}.graphql is missing: run `.venv/bin/phenom-schema snapshot`"
    return schema


def _validation_errors(schema: GraphQLSchema, text: str) -> list[str]:
    return [error.message for error in validate(schema, parse(text))]


def test_lambdas_ship_graphql_documents():
    assert LAMBDA_DOCUMENTS, "no lambdas/**/*.graphql found: the Lambdas' documents must live in .graphql files"


def test_client_ships_graphql_documents():
    assert CLIENT_DOCUMENTS, "no phenom_client/documents/*.graphql found: the client's documents must live there"


@pytest.mark.parametrize("path", LAMBDA_DOCUMENTS, ids=_file_name)
def test_lambda_document_validates_for_admin(path, admin_schema):
    errors = _validation_errors(admin_schema, path.read_text(encoding="utf-8"))
    assert not errors, f"{path.relative_to(REPO)} does not validate against the admin schema:\n" + "\n".join(errors)


@pytest.mark.parametrize("path", CLIENT_DOCUMENTS, ids=_file_name)
def test_client_document_validates_for_role_user(path, user_schema):
    errors = _validation_errors(user_schema, path.read_text(encoding="utf-8"))
    assert not errors, f"{path.relative_to(REPO)} does not validate for role user:\n" + "\n".join(errors)


def test_sync_lambda_generated_upsert_validates_for_admin(graphql_url, admin_secret, admin_schema):
    # GIVEN the columns the sync Lambda discovers by asking the engine, as it does at run time
    reply = post_graphql(graphql_url, USERS_INSERT_INPUT, headers={"x-hasura-admin-secret": admin_secret})
    assert "errors" not in reply, f"users_insert_input introspection refused: {error_codes(reply)}"
    columns = sorted(scalar_columns(reply["data"]))
    # WHEN its public builder makes the upsert for all of them (the widest document it can send)
    document = build_upsert_document(columns)
    # THEN the engine's schema accepts it
    errors = _validation_errors(admin_schema, document)
    assert not errors, f"generated upsert for {columns} does not validate:\n" + "\n".join(errors)


def test_sync_lambda_generated_upsert_validates_against_the_admin_snapshot():
    # GIVEN the columns the sync Lambda would discover from the snapshot's schema, asked the way it asks the engine
    admin_snapshot = _snapshot("admin")
    answer = graphql_sync(admin_snapshot, USERS_INSERT_INPUT)
    assert not answer.errors, answer.errors
    columns = sorted(scalar_columns(answer.data))
    # THEN the widest upsert its builder makes validates against the snapshot
    errors = _validation_errors(admin_snapshot, build_upsert_document(columns))
    assert not errors, f"generated upsert for {columns} does not validate against admin.graphql:\n" + "\n".join(errors)
