"""The migrations apply to an empty database in version order, `down` undoes them completely, and `up` works again.

They run in a scratch database on the stack's Postgres server, one transaction per migration like Hasura's run_sql,
so the stack's own database is never touched.
"""

from __future__ import annotations

import psycopg
import pytest

from phenom_stack.hasura_project import migrations
from phenom_stack.stack import HASURA_PROJECT_DIR

pytestmark = pytest.mark.contract

MIGRATIONS = migrations(HASURA_PROJECT_DIR)
# The tables the rest of the system (metadata, Lambdas, clients) relies on.
EXPECTED_TABLES = {"users", "phenoms", "phenom_media", "chat_members"}

# Everything a migration can leave behind in the public schema, named so a leftover reads clearly.
INVENTORY_SQL = """
SELECT 'relation ' || c.relkind::text || ' ' || c.relname FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
UNION ALL
SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
UNION ALL
SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname = 'public' AND t.typrelid = 0 AND t.typelem = 0
UNION ALL
SELECT 'trigger ' || tg.tgname FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT tg.tgisinternal
"""


def inventory(connection: psycopg.Connection) -> set[str]:
    return {row[0] for row in connection.execute(INVENTORY_SQL)}


def public_tables(connection: psycopg.Connection) -> set[str]:
    rows = connection.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
    return {row[0] for row in rows}


def apply_up(connection: psycopg.Connection) -> None:
    for migration in MIGRATIONS:
        with connection.transaction():
            connection.execute(migration.up_sql)


def apply_down(connection: psycopg.Connection) -> None:
    for migration in reversed(MIGRATIONS):
        with connection.transaction():
            connection.execute(migration.down_sql)


def test_project_has_migrations_in_version_order():
    # GIVEN the migrations directory  THEN versions are unique and listed oldest first
    versions = [migration.version for migration in MIGRATIONS]
    assert versions, f"no migrations found under {HASURA_PROJECT_DIR}"
    assert versions == sorted(set(versions))


@pytest.mark.parametrize("migration", MIGRATIONS, ids=lambda migration: f"{migration.version}_{migration.name}")
def test_every_migration_has_a_down(migration):
    assert migration.down_sql and migration.down_sql.strip(), f"{migration.version}_{migration.name} has no down.sql"


def test_up_from_empty_creates_the_schema(scratch_database_url):
    with psycopg.connect(scratch_database_url, autocommit=True) as connection:
        # WHEN every up.sql runs in order on an empty database
        apply_up(connection)
        # THEN the tables the system relies on exist
        assert public_tables(connection) >= EXPECTED_TABLES


def test_down_removes_everything_up_created(scratch_database_url):
    with psycopg.connect(scratch_database_url, autocommit=True) as connection:
        # GIVEN an empty database and what it holds
        empty = inventory(connection)
        apply_up(connection)
        # WHEN every down.sql runs, newest first
        apply_down(connection)
        # THEN no table, function, type or trigger is left over
        assert inventory(connection) - empty == set()


def test_up_again_after_down(scratch_database_url):
    with psycopg.connect(scratch_database_url, autocommit=True) as connection:
        # GIVEN migrations applied and rolled back
        apply_up(connection)
        apply_down(connection)
        # WHEN they are applied again
        apply_up(connection)
        # THEN the schema is back
        assert public_tables(connection) >= EXPECTED_TABLES
