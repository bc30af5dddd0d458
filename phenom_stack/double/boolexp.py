"""Boolean expressions (`where` arguments and permission filters) compiled to SQL conditions."""

from __future__ import annotations

from phenom_stack.double.errors import not_served, validation_failed
from phenom_stack.double.model import TrackedTable
from phenom_stack.double.naming import qualified, quote_ident
from phenom_stack.double.sql_context import SqlContext

OPERATORS = {
    "_eq": "=",
    "_neq": "<>",
    "_ne": "<>",
    "_gt": ">",
    "_lt": "<",
    "_gte": ">=",
    "_lte": "<=",
    "_like": "LIKE",
    "_nlike": "NOT LIKE",
    "_ilike": "ILIKE",
    "_nilike": "NOT ILIKE",
    "_similar": "SIMILAR TO",
    "_nsimilar": "NOT SIMILAR TO",
    "_regex": "~",
    "_iregex": "~*",
    "_nregex": "!~",
    "_niregex": "!~*",
    "_contains": "@>",
    "_contained_in": "<@",
}
COLUMN_OPERATORS = {"_ceq": "=", "_cne": "<>", "_cneq": "<>", "_cgt": ">", "_clt": "<", "_cgte": ">=", "_clte": "<="}
KEY_OPERATORS = {"_has_key": ("?", "text"), "_has_keys_any": ("?|", "text[]"), "_has_keys_all": ("?&", "text[]")}


def join_condition(mapping, local_alias: str, remote_alias: str) -> str:
    """`remote.col = local.col AND ...` for a relationship's column mapping."""
    return " AND ".join(
        f"{remote_alias}.{quote_ident(remote)} = {local_alias}.{quote_ident(local)}" for local, remote in mapping
    )


def compile_bool_exp(
    ctx: SqlContext, tracked: TrackedTable, alias: str, expression: dict | None, permission: bool
) -> str:
    """SQL for `expression` over `tracked` aliased `alias`.

    In permission filters (`permission=True`) values may name session variables and relationships are
    followed without the remote table's permission; in `where` arguments the remote filter applies too.
    """
    if not expression:
        return "true"
    parts = [_term(ctx, tracked, alias, key, value, permission) for key, value in expression.items()]
    return "(" + " AND ".join(parts) + ")"


def _term(ctx: SqlContext, tracked: TrackedTable, alias: str, key: str, value, permission: bool) -> str:
    if key == "_and":
        return (
            "(" + " AND ".join(compile_bool_exp(ctx, tracked, alias, item, permission) for item in value) + ")"
            if value
            else "true"
        )
    if key == "_or":
        return (
            "(" + " OR ".join(compile_bool_exp(ctx, tracked, alias, item, permission) for item in value) + ")"
            if value
            else "false"
        )
    if key == "_not":
        return f"NOT {compile_bool_exp(ctx, tracked, alias, value, permission)}"
    if key == "_exists":
        remote = ctx.tables[_table_key(value["_table"])]
        remote_alias = ctx.alias()
        where = compile_bool_exp(ctx, remote, remote_alias, value.get("_where") or {}, permission)
        return f"EXISTS (SELECT 1 FROM {qualified(*remote.key)} AS {remote_alias} WHERE {where})"
    relationship = tracked.relationships.get(key)
    if relationship is not None:
        return _relationship_term(ctx, tracked, alias, relationship, value, permission)
    if key not in tracked.table.columns:
        raise not_served(f"{key} in a boolean expression")
    return _column_term(ctx, tracked, alias, key, value, permission)


def _table_key(value) -> tuple[str, str]:
    return ("public", value) if isinstance(value, str) else (value.get("schema", "public"), value["name"])


def _relationship_term(ctx, tracked, alias, relationship, value, permission) -> str:
    remote = ctx.tables[relationship.remote]
    remote_alias = ctx.alias()
    conditions = [join_condition(relationship.mapping, alias, remote_alias)]
    if not permission:
        access = ctx.role_schema.tables_by_key.get(relationship.remote)
        conditions.append(compile_bool_exp(ctx, remote, remote_alias, access.select.filter if access else {}, True))
    conditions.append(compile_bool_exp(ctx, remote, remote_alias, value, permission))
    return f"EXISTS (SELECT 1 FROM {qualified(*remote.key)} AS {remote_alias} WHERE {' AND '.join(conditions)})"


def _column_term(ctx, tracked, alias, column_name, operators: dict, permission: bool) -> str:
    column = tracked.table.columns[column_name]
    target = f"{alias}.{quote_ident(column_name)}"
    parts = []
    for op, raw in operators.items():
        value = ctx.permission_value(raw) if permission else raw
        if op == "_is_null":
            parts.append(f"{target} IS NULL" if value else f"{target} IS NOT NULL")
            continue
        if value is None:
            raise validation_failed(f'unexpected null value for type "{column.type}"')
        if op in ("_in", "_nin"):
            array = f"ANY({ctx.param(value, column.sql_type + '[]')})"
            parts.append(f"{target} = {array}" if op == "_in" else f"NOT ({target} = {array})")
        elif op in COLUMN_OPERATORS:
            other = raw[-1] if isinstance(raw, list) else raw
            parts.append(f"{target} {COLUMN_OPERATORS[op]} {alias}.{quote_ident(other)}")
        elif op in KEY_OPERATORS:
            sql_op, sql_type = KEY_OPERATORS[op]
            parts.append(f"{target} {sql_op} {ctx.param(value, sql_type)}")
        elif op in OPERATORS:
            parts.append(f"{target} {OPERATORS[op]} {ctx.param(value, column.sql_type)}")
        else:
            raise validation_failed(f"unknown operator {op!r} on column {column_name!r}")
    return "(" + " AND ".join(parts) + ")" if parts else "true"
