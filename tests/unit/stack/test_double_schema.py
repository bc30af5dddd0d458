"""The double names types and fields like Hasura and filters the schema by role."""

from __future__ import annotations

import copy

import pytest

from phenom_stack.double.naming import root_field_names, scalar_name, table_type_name
from phenom_stack.hasura_project import metadata_json
from tests.kit.double_catalog import PROJECT_DIR, project_state

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("pg_type", "scalar"),
    [
        ("int4", "Int"),
        ("text", "String"),
        ("varchar", "String"),
        ("bool", "Boolean"),
        ("float4", "Float"),
        ("uuid", "uuid"),
        ("timestamptz", "timestamptz"),
        ("float8", "float8"),
        ("numeric", "numeric"),
        ("jsonb", "jsonb"),
        ("int8", "bigint"),
    ],
)
def test_scalar_names(pg_type, scalar):
    assert scalar_name(pg_type) == scalar


def test_table_and_root_field_names():
    assert table_type_name("public", "phenoms") == "phenoms"
    assert table_type_name("audit", "log") == "audit_log"
    assert root_field_names("phenoms") == {
        "select": "phenoms",
        "select_by_pk": "phenoms_by_pk",
        "select_aggregate": "phenoms_aggregate",
        "insert": "insert_phenoms",
        "insert_one": "insert_phenoms_one",
        "update": "update_phenoms",
        "update_by_pk": "update_phenoms_by_pk",
        "delete": "delete_phenoms",
        "delete_by_pk": "delete_phenoms_by_pk",
    }


def test_project_metadata_is_consistent_with_the_catalog():
    assert project_state().inconsistent == []


def test_admin_schema_has_hasuras_table_api():
    schema = project_state().schemas.get("admin").schema
    mutation = schema.mutation_type.fields
    assert {
        "insert_phenoms",
        "insert_phenoms_one",
        "update_phenoms",
        "update_phenoms_by_pk",
        "delete_phenoms",
        "delete_phenoms_by_pk",
        "createPhenom",
        "deletePhenom",
    } <= set(mutation)
    assert str(mutation["insert_phenoms"].type) == "phenoms_mutation_response"
    assert set(mutation["insert_phenoms_one"].args) == {"object", "on_conflict"}
    assert set(schema.get_type("phenoms_on_conflict").fields) == {"constraint", "update_columns", "where"}
    assert set(schema.get_type("users_constraint").values) == {"users_pkey", "users_email_key"}
    assert set(schema.query_type.fields["phenoms"].args) == {"where", "order_by", "limit", "offset", "distinct_on"}
    assert set(schema.get_type("String_comparison_exp").fields) >= {
        "_eq",
        "_in",
        "_is_null",
        "_like",
        "_ilike",
        "_nlike",
        "_nilike",
    }
    assert str(schema.get_type("phenoms").fields["lat"].type) == "float8!"
    assert str(schema.get_type("users").fields["phenoms"].type) == "[phenoms!]!"


def test_user_schema_follows_the_select_permissions():
    schema = project_state().schemas.get("user").schema
    assert "chat_members" not in schema.query_type.fields
    assert "phenoms_aggregate" not in schema.query_type.fields
    assert "media_aggregate" not in schema.get_type("phenoms").fields
    assert set(schema.mutation_type.fields) == {"createPhenom", "deletePhenom"}
    assert "getPhenoms" in schema.query_type.fields
    assert schema.get_type("users_insert_input") is None


def test_by_pk_needs_every_primary_key_column():
    metadata = copy.deepcopy(metadata_json(PROJECT_DIR))
    users = next(t for t in metadata["sources"][0]["tables"] if t["table"]["name"] == "users")
    users["select_permissions"][0]["permission"]["columns"].remove("id")
    fields = project_state(metadata).schemas.get("user").schema.query_type.fields
    assert "users" in fields and "users_by_pk" not in fields


def test_role_without_permissions_has_no_mutation_root():
    schema = project_state().schemas.get("nobody").schema
    assert schema.mutation_type is None
    assert list(schema.query_type.fields) == ["no_queries_available"]


def test_role_schemas_are_built_once():
    state = project_state()
    assert state.schemas.get("user") is state.schemas.get("user")


def _with_relationships(**relationships) -> dict:
    metadata = copy.deepcopy(metadata_json(PROJECT_DIR))
    for table_name, (kind, relationship) in relationships.items():
        table = next(t for t in metadata["sources"][0]["tables"] if t["table"]["name"] == table_name)
        table.setdefault(f"{kind}_relationships", []).append(relationship)
    return metadata


def test_manual_and_remote_foreign_key_relationships():
    metadata = _with_relationships(
        phenoms=(
            "object",
            {
                "name": "author",
                "using": {
                    "manual_configuration": {
                        "remote_table": {"schema": "public", "name": "users"},
                        "column_mapping": {"owner_id": "id"},
                    }
                },
            },
        ),
        users=(
            "object",
            {
                "name": "membership",
                "using": {
                    "foreign_key_constraint_on": {
                        "column": "user_id",
                        "table": {"schema": "public", "name": "chat_members"},
                    }
                },
            },
        ),
    )
    state = project_state(metadata)
    assert state.inconsistent == []
    author = state.tables[("public", "phenoms")].relationships["author"]
    membership = state.tables[("public", "users")].relationships["membership"]
    assert (author.remote, author.mapping) == (("public", "users"), (("owner_id", "id"),))
    assert (membership.remote, membership.mapping) == (("public", "chat_members"), (("id", "user_id"),))
    admin = state.schemas.get("admin").schema
    assert str(admin.get_type("phenoms").fields["author"].type) == "users"
    assert str(admin.get_type("phenoms").fields["owner"].type) == "users!"


def test_relationship_without_a_foreign_key_is_inconsistent():
    metadata = _with_relationships(phenoms=("object", {"name": "ghost", "using": {"foreign_key_constraint_on": "lat"}}))
    [problem] = project_state(metadata).inconsistent
    assert (problem["type"], problem["name"]) == (
        "object_relation",
        "object_relation ghost in table phenoms in source default",
    )
