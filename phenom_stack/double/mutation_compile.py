"""insert/update/delete root fields compiled to one SQL statement each (a data-modifying CTE)."""

from __future__ import annotations

from dataclasses import dataclass

from phenom_stack.double.access import TableAccess
from phenom_stack.double.boolexp import compile_bool_exp
from phenom_stack.double.collect import Selected, subfields
from phenom_stack.double.errors import validation_failed
from phenom_stack.double.naming import NUMERIC_SCALARS, qualified, quote_ident, quote_literal, scalar_name
from phenom_stack.double.select_compile import permission_filter, row_json
from phenom_stack.double.sql_context import SqlContext

CHECK_FAILED = "check constraint of an insert/update permission has failed"


@dataclass(frozen=True)
class Statement:
    """One statement returning (response json as text, permission check passed)."""

    sql: str
    params: dict
    error_path: str


def mutation_output(ctx: SqlContext, access: TableAccess, selected: Selected, cte: str, single: bool) -> str:
    """The response of a mutation over the rows of `cte`: a row (`single`) or a mutation_response."""
    if single:
        alias = ctx.alias()
        fields = subfields(ctx.walk, selected, access.type_name)
        return (
            f"(SELECT {row_json(ctx, access, alias, fields)} FROM {cte} AS {alias} "
            f"WHERE {permission_filter(ctx, access, alias)} LIMIT 1)"
        )
    columns = []
    for field in subfields(ctx.walk, selected, f"{access.type_name}_mutation_response"):
        if field.name == "__typename":
            expression = quote_literal(f"{access.type_name}_mutation_response")
        elif field.name == "affected_rows":
            expression = f"(SELECT count(*) FROM {cte})"
        else:
            alias = ctx.alias()
            rows = row_json(ctx, access, alias, subfields(ctx.walk, field, access.type_name))
            expression = (
                f"(SELECT coalesce(json_agg({rows}), '[]'::json) FROM {cte} AS {alias} "
                f"WHERE {permission_filter(ctx, access, alias)})"
            )
        columns.append(f"{expression} AS {quote_ident(field.key)}")
    return f"(SELECT row_to_json(_e) FROM (SELECT {', '.join(columns)}) AS _e)"


def check_condition(ctx: SqlContext, access: TableAccess, check: dict, cte: str) -> str:
    """SQL that is true when every row of `cte` passes a permission's `check`."""
    if not check:
        return "true"
    alias = ctx.alias()
    condition = compile_bool_exp(ctx, access.tracked, alias, check, permission=True)
    return f"(SELECT coalesce(bool_and({condition}), true) FROM {cte} AS {alias})"


def _value(ctx: SqlContext, access: TableAccess, column: str, value) -> str:
    return ctx.param(value, access.tracked.table.columns[column].sql_type)


def presets(ctx: SqlContext, preset: dict) -> dict:
    """Column presets of a permission with session variables substituted."""
    return {column: ctx.permission_value(value) for column, value in preset.items()}


def on_conflict_sql(ctx: SqlContext, access: TableAccess, target: str, on_conflict: dict | None) -> str:
    """`ON CONFLICT ON CONSTRAINT ... DO UPDATE/NOTHING` for an `on_conflict` argument."""
    if not on_conflict:
        return ""
    clause = f" ON CONFLICT ON CONSTRAINT {quote_ident(on_conflict['constraint'])}"
    columns = [column for column in on_conflict.get("update_columns") or [] if column != "_PLACEHOLDER"]
    if not columns:
        return clause + " DO NOTHING"
    assignments = ", ".join(f"{quote_ident(column)} = EXCLUDED.{quote_ident(column)}" for column in columns)
    conditions = [
        compile_bool_exp(ctx, access.tracked, target, access.update.filter, permission=True),
        compile_bool_exp(ctx, access.tracked, target, on_conflict.get("where"), permission=False),
    ]
    return f"{clause} DO UPDATE SET {assignments} WHERE {' AND '.join(conditions)}"


def insert_statement(ctx: SqlContext, access: TableAccess, kind: str, selected: Selected, args: dict) -> Statement:
    """`insert_<t>` / `insert_<t>_one` over rows without nested relationship data."""
    single = kind == "insert_one"
    objects = [args["object"]] if single else args["objects"]
    preset = presets(ctx, access.insert.preset)
    rows = [{**row, **preset} for row in objects]
    columns = list(dict.fromkeys(column for row in rows for column in row))
    target = ctx.alias()
    table = qualified(*access.tracked.key)
    if not rows:
        values = "SELECT * FROM " + table + " WHERE false"
        insert = f"INSERT INTO {table} AS {target} {values}"
    elif not columns:
        insert = f"INSERT INTO {table} AS {target} DEFAULT VALUES"
    else:
        tuples = ", ".join(
            "(" + ", ".join(_value(ctx, access, c, row[c]) if c in row else "DEFAULT" for c in columns) + ")"
            for row in rows
        )
        insert = f"INSERT INTO {table} AS {target} ({', '.join(map(quote_ident, columns))}) VALUES {tuples}"
    insert += on_conflict_sql(ctx, access, target, args.get("on_conflict"))
    sql = (
        f"WITH _m AS ({insert} RETURNING *) SELECT {mutation_output(ctx, access, selected, '_m', single)}::text, "
        f"{check_condition(ctx, access, access.insert.check, '_m')}"
    )
    return Statement(sql, ctx.params, f"$.selectionSet.{selected.key}.args.{'object' if single else 'objects'}")


def update_statement(ctx: SqlContext, access: TableAccess, kind: str, selected: Selected, args: dict) -> Statement:
    """`update_<t>` / `update_<t>_by_pk`."""
    permission, target = access.update, ctx.alias()
    assignments = [
        f"{quote_ident(c)} = {_value(ctx, access, c, v)}"
        for c, v in {**(args.get("_set") or {}), **presets(ctx, permission.preset)}.items()
    ]
    assignments += [
        f"{quote_ident(c)} = {target}.{quote_ident(c)} + {_value(ctx, access, c, v)}"
        for c, v in (args.get("_inc") or {}).items()
    ]
    if not assignments and any(operator in args for operator in ("_set", "_inc")):
        # An empty `_set: {}` updates nothing: Hasura answers affected_rows 0 (null for _by_pk).
        sql = (
            f"WITH _m AS (SELECT * FROM {qualified(*access.tracked.key)} WHERE false) "
            f"SELECT {mutation_output(ctx, access, selected, '_m', kind == 'update_by_pk')}::text, true"
        )
        return Statement(sql, ctx.params, "$")
    if not assignments:
        operators = ["_set"] + (
            ["_inc"]
            if any(scalar_name(access.tracked.table.columns[c].type) in NUMERIC_SCALARS for c in permission.columns)
            else []
        )
        raise validation_failed(f"at least any one of {', '.join(operators)} is expected")
    table = access.tracked.table
    conditions = [compile_bool_exp(ctx, access.tracked, target, permission.filter, permission=True)]
    if kind == "update_by_pk":
        pk = args["pk_columns"]
        conditions += [f"{target}.{quote_ident(c)} = {_value(ctx, access, c, pk[c])}" for c in table.primary_key]
    else:
        conditions.append(compile_bool_exp(ctx, access.tracked, target, args.get("where"), permission=False))
    update = (
        f"UPDATE {qualified(*access.tracked.key)} AS {target} SET {', '.join(assignments)} "
        f"WHERE {' AND '.join(conditions)}"
    )
    sql = (
        f"WITH _m AS ({update} RETURNING *) "
        f"SELECT {mutation_output(ctx, access, selected, '_m', kind == 'update_by_pk')}::text, "
        f"{check_condition(ctx, access, permission.check, '_m')}"
    )
    return Statement(sql, ctx.params, "$")


def delete_statement(ctx: SqlContext, access: TableAccess, kind: str, selected: Selected, args: dict) -> Statement:
    """`delete_<t>` / `delete_<t>_by_pk`."""
    target, table = ctx.alias(), access.tracked.table
    conditions = [compile_bool_exp(ctx, access.tracked, target, access.delete.filter, permission=True)]
    if kind == "delete_by_pk":
        conditions += [f"{target}.{quote_ident(c)} = {_value(ctx, access, c, args[c])}" for c in table.primary_key]
    else:
        conditions.append(compile_bool_exp(ctx, access.tracked, target, args.get("where"), permission=False))
    delete = f"DELETE FROM {qualified(*access.tracked.key)} AS {target} WHERE {' AND '.join(conditions)}"
    sql = (
        f"WITH _m AS ({delete} RETURNING *) "
        f"SELECT {mutation_output(ctx, access, selected, '_m', kind == 'delete_by_pk')}::text, true"
    )
    return Statement(sql, ctx.params, "$")
