"""SDL of `<t>_aggregate` (count, sum, avg, max, min, ... and nodes) for roles allowed to aggregate."""

from __future__ import annotations

from phenom_stack.double.access import TableAccess
from phenom_stack.double.naming import NUMERIC_SCALARS, TEXT_SCALARS, scalar_name

# Aggregate functions over numeric columns that always answer Float, and those keeping the column's type.
FLOAT_FUNCTIONS = ("avg", "stddev", "stddev_pop", "stddev_samp", "var_pop", "var_samp", "variance")
TYPED_FUNCTIONS = ("max", "min", "sum")
ORDERED_SCALARS = NUMERIC_SCALARS + TEXT_SCALARS + ("timestamptz", "timestamp", "date", "time", "timetz")


def aggregate_columns(access: TableAccess, function: str) -> list[tuple[str, str]]:
    """(column, result scalar) that `function` applies to for the role's columns."""
    table = access.tracked.table
    scalars = [(column, scalar_name(table.columns[column].type)) for column in access.columns]
    if function in ("max", "min"):
        return [(column, scalar) for column, scalar in scalars if scalar in ORDERED_SCALARS]
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
