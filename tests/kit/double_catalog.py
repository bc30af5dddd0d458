"""The project's Postgres catalog written out by hand, so the double's pure parts are tested without a database."""

from __future__ import annotations

from pathlib import Path

from phenom_stack.double.catalog import Catalog, catalog_from_rows
from phenom_stack.double.state import EngineState, build_state
from phenom_stack.hasura_project import metadata_json

PROJECT_DIR = Path(__file__).resolve().parents[2] / "hasura"
ENV = {"PG_DATABASE_URL": "postgresql://unused", "HASURA_ACTION_PHENOM_URL": "http://handler.invalid/"}

_SQL_TYPES = {
    "uuid": "uuid",
    "text": "text",
    "bool": "boolean",
    "timestamptz": "timestamp with time zone",
    "float8": "double precision",
    "int4": "integer",
}


def _columns(*specs: str) -> list[dict]:
    columns = []
    for spec in specs:
        name, pg_type, *flags = spec.split()
        columns.append(
            {
                "name": name,
                "type": pg_type,
                "sql_type": _SQL_TYPES[pg_type],
                "nullable": "null" in flags,
                "has_default": "default" in flags,
            }
        )
    return columns


def _pk(table: str, *columns: str) -> dict:
    return {
        "name": f"{table}_pkey",
        "type": "p",
        "columns": list(columns),
        "ref_schema": None,
        "ref_table": None,
        "ref_columns": None,
    }


def _fk(name: str, column: str, ref_table: str) -> dict:
    return {
        "name": name,
        "type": "f",
        "columns": [column],
        "ref_schema": "public",
        "ref_table": ref_table,
        "ref_columns": ["id"],
    }


def project_catalog() -> Catalog:
    """users, phenoms, phenom_media and chat_members as migration 1764201600000_init creates them."""
    rows = [
        {
            "schema": "public",
            "name": "users",
            "columns": _columns(
                "id uuid",
                "email text",
                "email_verified bool default",
                "name text null",
                "given_name text null",
                "family_name text null",
                "preferred_username text null",
                "locale text null",
                "created_at timestamptz default",
                "updated_at timestamptz default",
            ),
            "constraints": [_pk("users", "id"), {**_pk("users", "email"), "name": "users_email_key", "type": "u"}],
        },
        {
            "schema": "public",
            "name": "phenoms",
            "columns": _columns(
                "id uuid default",
                "owner_id uuid",
                "lat float8",
                "lng float8",
                "media_type text",
                "created_at timestamptz default",
                "updated_at timestamptz default",
            ),
            "constraints": [_pk("phenoms", "id"), _fk("phenoms_owner_id_fkey", "owner_id", "users")],
        },
        {
            "schema": "public",
            "name": "phenom_media",
            "columns": _columns(
                "id uuid default",
                "phenom_id uuid",
                "sort_order int4",
                "original_filename text",
                "s3_key text",
                "upload_state text default",
                "created_at timestamptz default",
                "updated_at timestamptz default",
            ),
            "constraints": [_pk("phenom_media", "id"), _fk("phenom_media_phenom_id_fkey", "phenom_id", "phenoms")],
        },
        {
            "schema": "public",
            "name": "chat_members",
            "columns": _columns("user_id uuid", "role text", "created_at timestamptz default"),
            "constraints": [_pk("chat_members", "user_id"), _fk("chat_members_user_id_fkey", "user_id", "users")],
        },
    ]
    return catalog_from_rows(rows)


def project_state(metadata: dict | None = None) -> EngineState:
    """The engine state for the project's metadata (or `metadata`) over the hand-written catalog."""
    return build_state(metadata or metadata_json(PROJECT_DIR), ENV["PG_DATABASE_URL"], project_catalog(), ENV, [])
