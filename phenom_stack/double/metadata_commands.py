"""Hasura's incremental metadata commands (`track_table`, `create_select_permission`, `create_action`, ...).

Served on /v1/query (the old names) and /v1/metadata (the `pg_` names), as Hasura still accepts both. Each
command edits a copy of the current metadata and is kept only when the rebuilt schema has no new
inconsistency, as Hasura refuses a command that would make the metadata inconsistent.
"""

from __future__ import annotations

import copy

import psycopg
from psycopg import sql

from phenom_stack.double.errors import HasuraError, from_postgres
from phenom_stack.double.run_sql import handle_run_sql
from phenom_stack.double.state import DEFAULT_SOURCE, source_of

SUCCESS = {"message": "success"}
PG_PREFIX = "pg_"
PERMISSION_KINDS = ("select", "insert", "update", "delete")
# Commands of Hasura's API that the double does not serve: answered with Hasura's not-supported error.
UNSUPPORTED = (
    "track_function",
    "untrack_function",
    "add_computed_field",
    "create_event_trigger",
    "create_remote_relationship",
    "add_remote_schema",
    "create_query_collection",
)


def _table_key(value) -> tuple[str, str]:
    if isinstance(value, str):
        return ("public", value)
    if isinstance(value, dict) and "name" in value:
        return (value.get("schema", "public"), value["name"])
    raise HasuraError("parse-failed", "expecting a table name or {schema, name}", "$.args.table")


def _table_ref(key: tuple[str, str]) -> dict:
    return {"schema": key[0], "name": key[1]}


def _default_source(metadata: dict, database_url: str) -> dict:
    source = source_of(metadata)
    if source is None:
        source = {
            "name": DEFAULT_SOURCE,
            "kind": "postgres",
            "tables": [],
            "configuration": {"connection_info": {"database_url": database_url}},
        }
        metadata.setdefault("sources", []).append(source)
    source.setdefault("tables", [])
    return source


def _table_entry(metadata: dict, key: tuple[str, str]) -> dict:
    source = source_of(metadata) or {}
    for entry in source.get("tables") or []:
        if _table_key(entry["table"]) == key:
            return entry
    raise HasuraError("not-exists", f'table "{key[1]}" does not exist', "$.args.table")


def _track_table(engine, metadata: dict, args: dict):
    key = _table_key(args.get("table", args))
    source = _default_source(metadata, engine.database_url)
    if any(_table_key(entry["table"]) == key for entry in source["tables"]):
        raise HasuraError("already-tracked", f'view/table already tracked: "{key[1]}"', "$.args")
    source["tables"].append({"table": _table_ref(key)})


def _untrack_table(engine, metadata: dict, args: dict):
    key = _table_key(args.get("table", args))
    source = _default_source(metadata, engine.database_url)
    _table_entry(metadata, key)
    source["tables"] = [entry for entry in source["tables"] if _table_key(entry["table"]) != key]


def _relationship(kind: str):
    def create(engine, metadata: dict, args: dict):
        entry = _table_entry(metadata, _table_key(args.get("table")))
        items = entry.setdefault(f"{kind}_relationships", [])
        if any(item["name"] == args.get("name") for item in items):
            raise HasuraError("already-exists", f'relationship "{args.get("name")}" already exists', "$.args")
        items.append({key: args[key] for key in ("name", "using", "comment") if key in args})

    return create


def _permission(kind: str):
    def create(engine, metadata: dict, args: dict):
        entry = _table_entry(metadata, _table_key(args.get("table")))
        items = entry.setdefault(f"{kind}_permissions", [])
        if any(item["role"] == args.get("role") for item in items):
            raise HasuraError(
                "already-exists", f'permission of type "{kind}" already defined for role "{args.get("role")}"', "$.args"
            )
        items.append({"role": args["role"], "permission": args.get("permission") or {}})

    return create


def _drop_permission(kind: str):
    def drop(engine, metadata: dict, args: dict):
        entry = _table_entry(metadata, _table_key(args.get("table")))
        entry[f"{kind}_permissions"] = [
            item for item in entry.get(f"{kind}_permissions") or [] if item["role"] != args.get("role")
        ]

    return drop


def _action_entry(metadata: dict, name: str) -> dict:
    for entry in metadata.get("actions") or []:
        if entry["name"] == name:
            return entry
    raise HasuraError("not-exists", f'action with name "{name}" does not exist', "$.args.name")


def _create_action(engine, metadata: dict, args: dict):
    actions = metadata.setdefault("actions", [])
    if any(entry["name"] == args.get("name") for entry in actions):
        raise HasuraError("already-exists", f'action with name "{args.get("name")}" already exists', "$.args")
    entry = {"name": args["name"], "definition": args["definition"]}
    if "comment" in args:
        entry["comment"] = args["comment"]
    actions.append(entry)


def _update_action(engine, metadata: dict, args: dict):
    _action_entry(metadata, args["name"])["definition"] = args["definition"]


def _drop_action(engine, metadata: dict, args: dict):
    _action_entry(metadata, args["name"])
    metadata["actions"] = [entry for entry in metadata["actions"] if entry["name"] != args["name"]]


def _create_action_permission(engine, metadata: dict, args: dict):
    _action_entry(metadata, args["action"]).setdefault("permissions", []).append({"role": args["role"]})


def _set_custom_types(engine, metadata: dict, args: dict):
    metadata["custom_types"] = args


METADATA_EDITS = {
    "track_table": _track_table,
    "add_existing_table_or_view": _track_table,
    "untrack_table": _untrack_table,
    "create_object_relationship": _relationship("object"),
    "create_array_relationship": _relationship("array"),
    **{f"create_{kind}_permission": _permission(kind) for kind in PERMISSION_KINDS},
    **{f"drop_{kind}_permission": _drop_permission(kind) for kind in PERMISSION_KINDS},
    "create_action": _create_action,
    "update_action": _update_action,
    "drop_action": _drop_action,
    "create_action_permission": _create_action_permission,
    "set_custom_types": _set_custom_types,
}


def _insert(engine, args: dict) -> dict:
    """The v1 `insert` command: rows given as JSON objects, columns left out take their defaults."""
    key = _table_key(args.get("table"))
    if key not in engine.state.tables:
        raise HasuraError("not-exists", f'table "{key[1]}" does not exist', "$.args.table")
    objects = args.get("objects") or []
    affected = 0
    with engine.pool(engine.state.source_url).connection() as connection:
        try:
            with connection.transaction():
                for row in objects:
                    columns = list(row)
                    statement = sql.SQL("INSERT INTO {} ({}) SELECT {} FROM json_populate_record(NULL::{}, %s)").format(
                        sql.Identifier(*key),
                        sql.SQL(", ").join(map(sql.Identifier, columns)),
                        sql.SQL(", ").join(map(sql.Identifier, columns)),
                        sql.Identifier(*key),
                    )
                    if not columns:
                        statement = sql.SQL("INSERT INTO {} DEFAULT VALUES").format(sql.Identifier(*key))
                    connection.execute(statement, [psycopg.types.json.Json(row)] if columns else None)
                    affected += 1
        except psycopg.Error as error:
            raise from_postgres(error, "$") from None
    return {"affected_rows": affected}


def _apply_edit(engine, edit, args: dict) -> dict:
    with engine.metadata_lock:
        metadata = copy.deepcopy(engine.state.metadata)
        edit(engine, metadata, args)
        state = engine.build(metadata)
        known = {(item["type"], item["name"]) for item in engine.state.inconsistent}
        problems = [item for item in state.inconsistent if (item["type"], item["name"]) not in known]
        if problems:
            raise HasuraError("invalid-configuration", problems[0]["reason"], "$.args", internal=problems)
        engine.state = state
        engine.resource_version += 1
    return SUCCESS


def handles(command: str) -> bool:
    """Whether `command` (with or without the `pg_` prefix) is one of these commands."""
    name = command.removeprefix(PG_PREFIX)
    return name in METADATA_EDITS or name in UNSUPPORTED or name in ("insert", "run_sql", "bulk")


def handle_command(engine, body) -> dict | list:
    """The answer to one command of /v1/query (or a `pg_` command of /v1/metadata); raises HasuraError."""
    if not isinstance(body, dict) or "type" not in body:
        raise HasuraError("parse-failed", 'key "type" not found', "$")
    command = body["type"].removeprefix(PG_PREFIX)
    args = body.get("args") or {}
    if command == "bulk":
        return [handle_command(engine, item) for item in args]
    if command == "run_sql":
        return handle_run_sql(engine, body)
    if command == "insert":
        return _insert(engine, args)
    if command in METADATA_EDITS:
        if isinstance(args, str) and command in ("track_table", "untrack_table"):
            # The old short form names the table alone.
            args = {"table": args}
        if not isinstance(args, dict):
            raise HasuraError("parse-failed", "expecting an object for args", "$.args")
        try:
            return _apply_edit(engine, METADATA_EDITS[command], args)
        except KeyError as error:
            raise HasuraError("parse-failed", f"key {error} not found", "$.args") from None
        except (TypeError, AttributeError, ValueError) as error:
            raise HasuraError("parse-failed", f"the arguments could not be parsed: {error}", "$.args") from None
    if command in UNSUPPORTED:
        raise HasuraError("not-supported", f"the engine double does not support {body['type']!r}", "$.type")
    raise HasuraError("parse-failed", f"unknown command {body['type']!r} on /v1/query", "$.type")
