"""The metadata in hasura/metadata fits the migrated schema: checked against information_schema directly, and by
asking the engine (get_inconsistent_metadata), which must agree."""

from __future__ import annotations

import psycopg
import pytest

from phenom_stack.hasura_project import metadata_json
from phenom_stack.stack import HASURA_PROJECT_DIR

pytestmark = pytest.mark.contract

METADATA = metadata_json(HASURA_PROJECT_DIR)
TABLES = [table for source in METADATA["sources"] for table in source.get("tables") or []]
PERMISSION_KINDS = ("select_permissions", "insert_permissions", "update_permissions", "delete_permissions")
BOOL_EXP_CONNECTIVES = ("_and", "_or")


def table_id(table: dict) -> str:
    return f"{table['table']['schema']}.{table['table']['name']}"


def key_of(table: dict) -> tuple[str, str]:
    return table["table"]["schema"], table["table"]["name"]


@pytest.fixture(scope="module")
def schema(database_url) -> dict[tuple[str, str], set[str]]:
    """Columns of every table and view in the stack's database, by (schema, table), from information_schema."""
    with psycopg.connect(database_url) as connection:
        rows = connection.execute("SELECT table_schema, table_name, column_name FROM information_schema.columns")
        columns: dict[tuple[str, str], set[str]] = {}
        for schema_name, table_name, column in rows:
            columns.setdefault((schema_name, table_name), set()).add(column)
    return columns


@pytest.fixture(scope="module")
def foreign_keys(database_url) -> set[tuple[tuple[str, str], str, tuple[str, str]]]:
    """Single-column foreign keys as ((schema, table), column, (referenced schema, referenced table))."""
    query = """
    SELECT tc.table_schema, tc.table_name, kcu.column_name, ccu.table_schema, ccu.table_name
    FROM information_schema.table_constraints tc
    JOIN information_schema.key_column_usage kcu
      ON kcu.constraint_name = tc.constraint_name AND kcu.constraint_schema = tc.constraint_schema
    JOIN information_schema.constraint_column_usage ccu
      ON ccu.constraint_name = tc.constraint_name AND ccu.constraint_schema = tc.constraint_schema
    WHERE tc.constraint_type = 'FOREIGN KEY'
    """
    with psycopg.connect(database_url) as connection:
        return {((s, t), column, (rs, rt)) for s, t, column, rs, rt in connection.execute(query)}


TABLE_BY_KEY = {key_of(table): table for table in TABLES}


def relationship_target(table_key: tuple[str, str], name: str, foreign_keys) -> tuple[str, str] | None:
    """The (schema, table) relationship `name` of a table leads to, or None when it has no such relationship."""
    table = TABLE_BY_KEY.get(table_key, {})
    for relationship in (table.get("object_relationships") or []) + (table.get("array_relationships") or []):
        if relationship["name"] != name:
            continue
        using = relationship["using"]["foreign_key_constraint_on"]
        if isinstance(using, dict):
            return using["table"]["schema"], using["table"]["name"]
        return next(
            (target for source, column, target in foreign_keys if source == table_key and column == using), None
        )
    return None


def bool_exp_columns(table_key: tuple[str, str], expression: dict, foreign_keys) -> list[tuple[tuple[str, str], str]]:
    """Every (table, column) a permission's boolean expression names, following relationships."""
    named = []
    for key, value in expression.items():
        if key in BOOL_EXP_CONNECTIVES:
            for part in value:
                named += bool_exp_columns(table_key, part, foreign_keys)
        elif key == "_not":
            named += bool_exp_columns(table_key, value, foreign_keys)
        elif not key.startswith("_"):
            target = relationship_target(table_key, key, foreign_keys)
            named += [(table_key, key)] if target is None else bool_exp_columns(target, value, foreign_keys)
    return named


def backing_foreign_key(table_key: tuple[str, str], using, foreign_keys) -> bool:
    """Whether a foreign key exists for `foreign_key_constraint_on` (a local column, or {table, column} remote)."""
    if isinstance(using, dict):
        remote = (using["table"]["schema"], using["table"]["name"])
        return (remote, using["column"], table_key) in foreign_keys
    return any(source == table_key and column == using for source, column, _ in foreign_keys)


def test_metadata_tracks_tables():
    assert TABLES, f"no tracked tables in {HASURA_PROJECT_DIR / 'metadata'}"


@pytest.mark.parametrize("table", TABLES, ids=table_id)
def test_tracked_table_exists(table, schema):
    assert key_of(table) in schema, f"{table_id(table)} is tracked but the migrations do not create it"


@pytest.mark.parametrize("table", TABLES, ids=table_id)
def test_permission_columns_exist(table, schema):
    # GIVEN each role's permission on this table  THEN every column it lists is a column of the table
    missing = [
        f"{kind} {permission['role']}: {column}"
        for kind in PERMISSION_KINDS
        for permission in table.get(kind) or []
        for column in (permission["permission"].get("columns") or [])
        if column != "*" and column not in schema.get(key_of(table), set())
    ]
    assert missing == []


@pytest.mark.parametrize("table", TABLES, ids=table_id)
def test_permission_filters_name_existing_columns(table, schema, foreign_keys):
    # GIVEN every filter and check  THEN each column it names (through relationships too) exists
    named = [
        pair
        for kind in PERMISSION_KINDS
        for permission in table.get(kind) or []
        for clause in ("filter", "check")
        for pair in bool_exp_columns(key_of(table), permission["permission"].get(clause) or {}, foreign_keys)
    ]
    missing = [f"{'.'.join(key)}.{column}" for key, column in named if column not in schema.get(key, set())]
    assert missing == []


@pytest.mark.parametrize("table", TABLES, ids=table_id)
def test_relationships_follow_foreign_keys(table, foreign_keys):
    # GIVEN every relationship  THEN a foreign key backs it in the direction the metadata says
    unbacked = [
        relationship["name"]
        for kind in ("object_relationships", "array_relationships")
        for relationship in table.get(kind) or []
        if not backing_foreign_key(key_of(table), relationship["using"]["foreign_key_constraint_on"], foreign_keys)
    ]
    assert unbacked == []


def test_engine_reports_metadata_consistent(metadata_api):
    # WHEN the engine is asked after the stack applied migrations and metadata
    answer = metadata_api({"type": "get_inconsistent_metadata", "args": {}})
    # THEN it finds nothing inconsistent
    assert answer.get("inconsistent_objects") == []
    assert answer.get("is_consistent") is True


def test_engine_holds_the_project_metadata(metadata_api):
    # WHEN the engine's metadata is exported  THEN it tracks exactly the project's tables
    exported = metadata_api({"type": "export_metadata", "version": 2, "args": {}})["metadata"]
    tracked = {key_of(table) for source in exported["sources"] for table in source.get("tables") or []}
    assert tracked == set(TABLE_BY_KEY)
