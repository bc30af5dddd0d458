"""Selections over tables compiled to one SQL expression that yields the response JSON."""

from __future__ import annotations

from phenom_stack.double.access import TableAccess
from phenom_stack.double.boolexp import compile_bool_exp, join_condition
from phenom_stack.double.collect import Selected, arguments, subfields
from phenom_stack.double.errors import HasuraError, not_served, validation_failed
from phenom_stack.double.naming import qualified, quote_ident, quote_literal
from phenom_stack.double.sql_context import SqlContext

DIRECTIONS = {
    "asc": "ASC NULLS LAST",
    "asc_nulls_first": "ASC NULLS FIRST",
    "asc_nulls_last": "ASC NULLS LAST",
    "desc": "DESC NULLS FIRST",
    "desc_nulls_first": "DESC NULLS FIRST",
    "desc_nulls_last": "DESC NULLS LAST",
}


def row_json(ctx: SqlContext, access: TableAccess, alias: str, fields: list[Selected]) -> str:
    """A `json` value with the selected fields of the row aliased `alias`, in selection order."""
    object_type = ctx.role_schema.schema.get_type(access.type_name)
    columns = []
    for selected in fields:
        if selected.name == "__typename":
            expression = quote_literal(access.type_name)
        elif selected.name in access.columns:
            expression = f"{alias}.{quote_ident(selected.name)}"
        else:
            aggregate = access.relationship(selected.name) is None
            relationship = access.relationship(selected.name.removesuffix("_aggregate"))
            remote = ctx.role_schema.tables_by_key[relationship.remote]
            remote_alias = ctx.alias()
            join = join_condition(relationship.mapping, alias, remote_alias)
            sub = [] if aggregate else subfields(ctx.walk, selected, remote.type_name)
            args = arguments(ctx.walk, object_type.fields[selected.name], selected)
            if relationship.kind == "object":
                where = f"{join} AND {permission_filter(ctx, remote, remote_alias)}"
                expression = (
                    f"(SELECT {row_json(ctx, remote, remote_alias, sub)} FROM "
                    f"{qualified(*remote.tracked.key)} AS {remote_alias} WHERE {where} LIMIT 1)"
                )
            elif aggregate:
                expression = aggregate_json(ctx, remote, remote_alias, selected, args, join)
            else:
                expression = list_json(ctx, remote, remote_alias, sub, args, join)
        columns.append(f"{expression} AS {quote_ident(selected.key)}")
    return f"(SELECT row_to_json(_e) FROM (SELECT {', '.join(columns)}) AS _e)"


def permission_filter(ctx: SqlContext, access: TableAccess, alias: str) -> str:
    """The role's select filter on the table aliased `alias`."""
    return compile_bool_exp(ctx, access.tracked, alias, access.select.filter, permission=True)


def order_terms(ctx: SqlContext, access: TableAccess, alias: str, order_by) -> list[tuple[str, str, str | None]]:
    """(expression, direction, column or None) for each `<t>_order_by` entry, in order."""
    terms = []
    for item in order_by if isinstance(order_by, list) else [order_by]:
        for key, value in (item or {}).items():
            # A null direction or nested order_by is left out, as Hasura does.
            if value is None:
                continue
            if key in access.columns:
                terms.append((f"{alias}.{quote_ident(key)}", DIRECTIONS[value], key))
                continue
            if access.relationship(key) is None and access.relationship(key.removesuffix("_aggregate")) is not None:
                terms += _aggregate_order_terms(
                    ctx, access, alias, access.relationship(key.removesuffix("_aggregate")), value
                )
                continue
            relationship = access.relationship(key)
            if relationship is None:
                raise not_served(f"ordering by {key}")
            remote = ctx.role_schema.tables_by_key[relationship.remote]
            remote_alias = ctx.alias()
            where = (
                f"{join_condition(relationship.mapping, alias, remote_alias)} AND "
                f"{permission_filter(ctx, remote, remote_alias)}"
            )
            for expression, direction, _ in order_terms(ctx, remote, remote_alias, value):
                subquery = (
                    f"(SELECT {expression} FROM {qualified(*remote.tracked.key)} AS {remote_alias} "
                    f"WHERE {where} LIMIT 1)"
                )
                terms.append((subquery, direction, None))
    return terms


def _aggregate_order_terms(ctx: SqlContext, access: TableAccess, alias: str, relationship, value: dict):
    """Ordering by `<rel>_aggregate: {count: dir, max: {col: dir}, min: {...}}` of an array relationship."""
    remote = ctx.role_schema.tables_by_key[relationship.remote]
    wanted = [("count", None, value.get("count"))] + [
        (operation, column, direction)
        for operation, spec in value.items()
        if operation != "count" and spec
        for column, direction in spec.items()
    ]
    terms = []
    for operation, column, direction in wanted:
        if direction is None:
            continue
        remote_alias = ctx.alias()
        expression = "count(*)" if column is None else f"{operation}({remote_alias}.{quote_ident(column)})"
        where = (
            f"{join_condition(relationship.mapping, alias, remote_alias)} AND "
            f"{permission_filter(ctx, remote, remote_alias)}"
        )
        subquery = f"(SELECT {expression} FROM {qualified(*remote.tracked.key)} AS {remote_alias} WHERE {where})"
        terms.append((subquery, DIRECTIONS[direction], None))
    return terms


def filtered_rows(ctx: SqlContext, access: TableAccess, alias: str, args: dict, join: str = "true", path: str = "$"):
    """(SQL of the rows matching `args` with their `_o<i>` ordering columns, the ordering terms)."""
    conditions = [
        join,
        permission_filter(ctx, access, alias),
        compile_bool_exp(ctx, access.tracked, alias, args.get("where"), permission=False),
    ]
    terms = order_terms(ctx, access, alias, args.get("order_by") or [])
    distinct = args.get("distinct_on") or []
    distinct_sql = ""
    if distinct:
        if terms and [term[2] for term in terms[: len(distinct)]] != list(distinct):
            raise validation_failed('"distinct_on" columns must match initial "order_by" columns')
        if not terms:
            terms = [(f"{alias}.{quote_ident(column)}", "ASC NULLS LAST", column) for column in distinct]
        distinct_sql = "DISTINCT ON (" + ", ".join(f"{alias}.{quote_ident(c)}" for c in distinct) + ") "
    for argument in ("limit", "offset"):
        if isinstance(args.get(argument), int) and args[argument] < 0:
            raise HasuraError("not-supported", "unexpected negative value", f"{path}.args.{argument}")
    limits = [value for value in (args.get("limit"), access.select.limit) if value is not None]
    order_columns = "".join(f", {expression} AS _o{index}" for index, (expression, _, _) in enumerate(terms))
    rows = (
        f"SELECT {distinct_sql}{alias}.*{order_columns} FROM {qualified(*access.tracked.key)} AS {alias} "
        f"WHERE {' AND '.join(conditions)}"
    )
    if terms:
        rows += " ORDER BY " + ", ".join(f"{expression} {direction}" for expression, direction, _ in terms)
    if limits:
        rows += f" LIMIT {int(min(limits))}"
    if args.get("offset"):
        rows += f" OFFSET {int(args['offset'])}"
    return rows, terms


def _aggregate_order(rows: str, terms) -> str:
    return " ORDER BY " + ", ".join(f"{rows}._o{i} {d}" for i, (_, d, _) in enumerate(terms)) if terms else ""


def list_json(
    ctx: SqlContext,
    access: TableAccess,
    alias: str,
    fields: list[Selected],
    args: dict,
    join: str = "true",
    path: str = "$",
) -> str:
    """A `json` array of the rows matching `args` (where, order_by, limit, offset, distinct_on).

    `path` names the field in errors about its arguments (Hasura's `$.selectionSet.<field>`).
    """
    inner, terms = filtered_rows(ctx, access, alias, args, join, path)
    rows = ctx.alias()
    return (
        f"(SELECT coalesce(json_agg({row_json(ctx, access, rows, fields)}{_aggregate_order(rows, terms)}), "
        f"'[]'::json) FROM ({inner}) AS {rows})"
    )


def aggregate_json(
    ctx: SqlContext, access: TableAccess, alias: str, selected: Selected, args: dict, join: str = "true", path="$"
) -> str:
    """A `<t>_aggregate` object (aggregate and nodes) over the rows matching `args`."""
    inner, terms = filtered_rows(ctx, access, alias, args, join, path)
    rows, t = ctx.alias(), access.type_name
    columns = []
    for field in subfields(ctx.walk, selected, f"{t}_aggregate"):
        if field.name == "__typename":
            expression = quote_literal(f"{t}_aggregate")
        elif field.name == "nodes":
            nodes = row_json(ctx, access, rows, subfields(ctx.walk, field, t))
            expression = f"coalesce(json_agg({nodes}{_aggregate_order(rows, terms)}), '[]'::json)"
        else:
            expression = _aggregate_fields(ctx, access, rows, field)
        columns.append(f"{expression} AS {quote_ident(field.key)}")
    return f"(SELECT row_to_json(_e) FROM (SELECT {', '.join(columns)} FROM ({inner}) AS {rows}) AS _e)"


def _aggregate_fields(ctx: SqlContext, access: TableAccess, rows: str, selected: Selected) -> str:
    t = access.type_name
    fields_type = ctx.role_schema.schema.get_type(f"{t}_aggregate_fields")
    pairs = []
    for field in subfields(ctx.walk, selected, f"{t}_aggregate_fields"):
        if field.name == "__typename":
            value = quote_literal(f"{t}_aggregate_fields")
        elif field.name == "count":
            args = arguments(ctx.walk, fields_type.fields["count"], field)
            columns = [f"{rows}.{quote_ident(column)}" for column in args.get("columns") or []]
            distinct = "DISTINCT " if args.get("distinct") else ""
            target = "*" if not columns else columns[0] if len(columns) == 1 else f"ROW({', '.join(columns)})"
            value = f"count({distinct if columns else ''}{target})"
        else:
            inner = [
                (
                    quote_literal(f"{t}_{field.name}_fields")
                    if sub.name == "__typename"
                    else f"{field.name}({rows}.{quote_ident(sub.name)})",
                    sub.key,
                )
                for sub in subfields(ctx.walk, field, f"{t}_{field.name}_fields")
            ]
            value = "json_build_object(" + ", ".join(f"{quote_literal(k)}, {v}" for v, k in inner) + ")"
        pairs.append(f"{quote_literal(field.key)}, {value}")
    return "json_build_object(" + ", ".join(pairs) + ")"


def by_pk_json(ctx: SqlContext, access: TableAccess, fields: list[Selected], pk_values: dict) -> str:
    """The row with primary key `pk_values` as `json`, or null when the role cannot see it."""
    alias = ctx.alias()
    table = access.tracked.table
    conditions = [permission_filter(ctx, access, alias)] + [
        f"{alias}.{quote_ident(column)} = {ctx.param(pk_values[column], table.columns[column].sql_type)}"
        for column in table.primary_key
    ]
    return (
        f"(SELECT {row_json(ctx, access, alias, fields)} FROM {qualified(*access.tracked.key)} AS {alias} "
        f"WHERE {' AND '.join(conditions)} LIMIT 1)"
    )


def root_select(ctx: SqlContext, access: TableAccess, kind: str, selected: Selected, field_def) -> str:
    """SQL (one value of type json) for a `<t>` or `<t>_by_pk` root field."""
    args = arguments(ctx.walk, field_def, selected)
    fields = [] if kind == "select_aggregate" else subfields(ctx.walk, selected, access.type_name)
    if kind == "select_by_pk":
        return by_pk_json(ctx, access, fields, args)
    path = f"$.selectionSet.{selected.name}"
    if kind == "select_aggregate":
        return aggregate_json(ctx, access, ctx.alias(), selected, args, path=path)
    return list_json(ctx, access, ctx.alias(), fields, args, path=path)
