"""SDL of `<t>_aggregate` (count, sum, avg, max, min, ... and nodes) for roles allowed to aggregate."""

from __future__ import annotations

from phenom_stack.double.access import TableAccess
from phenom_stack.double.naming import NUMERIC_SCALARS, scalar_name

# Aggregate functions over numeric columns that always answer Float, and those keeping the column's type.
FLOAT_FUNCTIONS = ("avg", "stddev", "stddev_pop", "stddev_samp", "var_pop", "var_samp", "variance")
TYPED_FUNCTIONS = ("max", "min", "sum")
# max and min apply to every column but these (Hasura's isComparableType for Postgres): uuid columns included.
NOT_COMPARABLE_SCALARS = ("Boolean", "json", "jsonb", "geometry", "geography")


def aggregate_columns(access: TableAccess, function: str) -> list[tuple[str, str]]:
    """(column, result scalar) that `function` applies to for the role's columns."""
    table = access.tracked.table
    scalars = [(column, scalar_name(table.columns[column].type)) for column in access.columns]
    if function in ("max", "min"):
        return [(column, scalar) for column, scalar in scalars if scalar not in NOT_COMPARABLE_SCALARS]
    numeric = [(column, scalar) for column, scalar in scalars if scalar in NUMERIC_SCALARS]
    return numeric if function == "sum" else [(column, "Float") for column, _ in numeric]


def aggregate_type(sdl, access: TableAccess) -> str:
    """Declare `<t>_aggregate` and its field types; return its name."""
    t, table_name = access.type_name, access.tracked.table.name
    fields = [f"count(columns: [{t}_select_column!], distinct: Boolean): Int!"]
    for function in sorted(FLOAT_FUNCTIONS + TYPED_FUNCTIONS):
        columns = aggregate_columns(access, function)
        if columns:
            lines = [f"{column}: {sdl.scalar(scalar)}" for column, scalar in columns]
            sdl.block("type", f"{t}_{function}_fields", lines, f"aggregate {function} on columns")
            fields.append(f"{function}: {t}_{function}_fields")
    sdl.block("type", f"{t}_aggregate_fields", fields, f'aggregate fields of "{table_name}"')
    sdl.block(
        "type",
        f"{t}_aggregate",
        [f"aggregate: {t}_aggregate_fields", f"nodes: [{t}!]!"],
        f'aggregated selection of "{table_name}"',
    )
    return f"{t}_aggregate"


def aggregate_order_by(sdl, access: TableAccess) -> str:
    """Declare `<t>_aggregate_order_by` (count, and one `<t>_<function>_order_by` per function with columns), which
    Hasura offers on every array relationship to a selectable table, aggregations allowed or not."""
    t, table_name = access.type_name, access.tracked.table.name
    fields = ["count: order_by"]
    for function in sorted(FLOAT_FUNCTIONS + TYPED_FUNCTIONS):
        columns = aggregate_columns(access, function)
        if columns:
            sdl.block(
                "input",
                f"{t}_{function}_order_by",
                [f"{column}: order_by" for column, _ in columns],
                f'order by {function}() on columns of table "{table_name}"',
            )
            fields.append(f"{function}: {t}_{function}_order_by")
    sdl.block("input", f"{t}_aggregate_order_by", fields, f'order by aggregate values of table "{table_name}"')
    return f"{t}_aggregate_order_by"


def aggregate_bool_exp(sdl, access: TableAccess, comparison) -> str:
    """Declare `<t>_aggregate_bool_exp`, Hasura's aggregation predicates (count over the rows; bool_and and bool_or
    where the table has Boolean columns), offered where the role may aggregate the related table.
    `comparison(scalar)` declares `<scalar>_comparison_exp` and returns its name."""
    t, table_name = access.type_name, access.tracked.table.name
    booleans = [column for column in access.columns if _scalar(access, column) == "Boolean"]
    count = f"{t}_aggregate_bool_exp_count"
    sdl.block(
        "input",
        count,
        [
            f"arguments: [{t}_select_column!]",
            "distinct: Boolean",
            f"filter: {t}_bool_exp",
            f"predicate: {comparison('Int')}!",
        ],
    )
    fields = [f"count: {count}"]
    for function in ("bool_and", "bool_or") if booleans else ():
        name = f"{t}_aggregate_bool_exp_{function}"
        columns = f"{t}_select_column_{name}_arguments_columns"
        sdl.block("enum", columns, booleans, f'select "{name}_arguments_columns" columns of table "{table_name}"')
        sdl.block(
            "input",
            name,
            [
                f"arguments: {columns}!",
                "distinct: Boolean",
                f"filter: {t}_bool_exp",
                f"predicate: {comparison('Boolean')}!",
            ],
        )
        fields.append(f"{function}: {name}")
    sdl.block("input", f"{t}_aggregate_bool_exp", sorted(fields))
    return f"{t}_aggregate_bool_exp"


def _scalar(access: TableAccess, column: str) -> str:
    return scalar_name(access.tracked.table.columns[column].type)
