"""GraphQL SDL for the tracked tables one role can see, with the type and field names Hasura generates."""

from __future__ import annotations

from functools import partial

from phenom_stack.double.access import TableAccess
from phenom_stack.double.naming import NUMERIC_SCALARS, TEXT_SCALARS, root_field_names, scalar_name
from phenom_stack.double.sdl_aggregate import aggregate_bool_exp, aggregate_order_by, aggregate_type

ORDER_BY_ENUM = (
    'enum order_by {\n  "in ascending order, nulls last"\n  asc\n  asc_nulls_first\n  asc_nulls_last\n'
    '  "in descending order, nulls first"\n  desc\n  desc_nulls_first\n  desc_nulls_last\n}'
)
BASE_COMPARISONS = ("_eq", "_gt", "_gte", "_lt", "_lte", "_neq")
TEXT_COMPARISONS = (
    "_ilike",
    "_iregex",
    "_like",
    "_nilike",
    "_niregex",
    "_nlike",
    "_nregex",
    "_nsimilar",
    "_regex",
    "_similar",
)
JSONB_COMPARISONS = (
    ("_contained_in", "jsonb"),
    ("_contains", "jsonb"),
    ("_has_key", "String"),
    ("_has_keys_all", "[String!]"),
    ("_has_keys_any", "[String!]"),
)
PLACEHOLDER = "_PLACEHOLDER"


class SdlWriter:
    """Collects named SDL definitions once each, in the order they are first needed."""

    def __init__(self) -> None:
        self.definitions: dict[str, str] = {}
        self.scalars: set[str] = set()

    def add(self, name: str, text: str) -> None:
        self.definitions.setdefault(name, text)

    def scalar(self, name: str) -> str:
        self.scalars.add(name)
        return name

    def block(self, keyword: str, name: str, lines: list[str], description: str | None = None) -> None:
        header = f'"""\n{description}\n"""\n' if description else ""
        self.add(name, header + f"{keyword} {name} {{\n" + "\n".join(f"  {line}" for line in lines) + "\n}")

    def text(self) -> str:
        scalars = [
            f"scalar {name}" for name in sorted(self.scalars) if name not in ("Int", "Float", "String", "Boolean", "ID")
        ]
        return "\n\n".join(scalars + list(self.definitions.values())) + "\n"


def _column_scalar(access: TableAccess, column: str) -> str:
    return scalar_name(access.tracked.table.columns[column].type)


def comparison_type(sdl: SdlWriter, scalar: str) -> str:
    """`<scalar>_comparison_exp`, with the operators Hasura offers for that scalar."""
    name = f"{scalar}_comparison_exp"
    lines = [f"{op}: {sdl.scalar(scalar)}" for op in BASE_COMPARISONS]
    lines += [f"_in: [{scalar}!]", "_is_null: Boolean", f"_nin: [{scalar}!]"]
    if scalar in TEXT_COMPARISONS or scalar in TEXT_SCALARS:
        lines += [f"{op}: {scalar}" for op in TEXT_COMPARISONS]
    if scalar == "jsonb":
        lines += [f"{op}: {sdl.scalar(kind) if kind == 'jsonb' else kind}" for op, kind in JSONB_COMPARISONS]
    sdl.block(
        "input",
        name,
        sorted(lines),
        f"Boolean expression to compare columns of type \"{scalar}\". All fields are combined with logical 'AND'.",
    )
    return name


def select_arguments(access: TableAccess) -> str:
    """The (distinct_on, limit, offset, order_by, where) arguments of a list field of this table."""
    t = access.type_name
    return (
        f"(distinct_on: [{t}_select_column!], limit: Int, offset: Int, order_by: [{t}_order_by!], where: {t}_bool_exp)"
    )


def object_type(sdl: SdlWriter, access: TableAccess, by_key: dict) -> None:
    """The table's object type, its bool_exp, order_by and select_column types."""
    t, table = access.type_name, access.tracked.table
    fields, bool_fields, order_fields = (
        [],
        [f"_and: [{t}_bool_exp!]", f"_not: {t}_bool_exp", f"_or: [{t}_bool_exp!]"],
        [],
    )
    for column in access.columns:
        scalar = sdl.scalar(_column_scalar(access, column))
        fields.append(f"{column}: {scalar}{'' if table.columns[column].nullable else '!'}")
        bool_fields.append(f"{column}: {comparison_type(sdl, scalar)}")
        order_fields.append(f"{column}: order_by")
    for rel in access.relationships:
        remote = by_key[rel.remote]
        if rel.kind == "object":
            not_null = rel.local_columns_not_null and not remote.select.filter
            fields.append(f"{rel.name}: {remote.type_name}{'!' if not_null else ''}")
            order_fields.append(f"{rel.name}: {remote.type_name}_order_by")
        else:
            fields.append(f"{rel.name}{select_arguments(remote)}: [{remote.type_name}!]!")
            order_fields.append(f"{rel.name}_aggregate: {aggregate_order_by(sdl, remote)}")
            if remote.select.allow_aggregations:
                fields.append(f"{rel.name}_aggregate{select_arguments(remote)}: {aggregate_type(sdl, remote)}!")
                predicates = aggregate_bool_exp(sdl, remote, partial(comparison_type, sdl))
                bool_fields.append(f"{rel.name}_aggregate: {predicates}")
        bool_fields.append(f"{rel.name}: {remote.type_name}_bool_exp")
    # Hasura lists a type's fields by name, relationships among the columns.
    fields.sort(key=lambda line: line.split(":")[0].split("(")[0])
    sdl.block("type", t, fields, f'columns and relationships of "{table.name}"')
    sdl.block(
        "input",
        f"{t}_bool_exp",
        sorted(bool_fields),
        f'Boolean expression to filter rows from the table "{table.name}". All fields are combined with a '
        "logical 'AND'.",
    )
    sdl.block(
        "input", f"{t}_order_by", sorted(order_fields), f'Ordering options when selecting data from "{table.name}".'
    )
    sdl.block("enum", f"{t}_select_column", list(access.columns), f'select columns of table "{table.name}"')
    sdl.add("order_by", ORDER_BY_ENUM)


def query_fields(sdl: SdlWriter, access: TableAccess) -> list[str]:
    """query_root fields of the table."""
    names, fields = root_field_names(access.type_name), []
    if access.root_select:
        fields.append(
            f'"fetch data from the table: \\"{access.tracked.table.name}\\""\n  '
            f"{names['select']}{select_arguments(access)}: [{access.type_name}!]!"
        )
    if access.root_aggregate:
        aggregate_type(sdl, access)
        fields.append(
            f'"fetch aggregated fields from the table: \\"{access.tracked.table.name}\\""\n  '
            f"{names['select_aggregate']}{select_arguments(access)}: {access.type_name}_aggregate!"
        )
    if access.root_by_pk:
        table = access.tracked.table
        pk_args = ", ".join(f"{column}: {_column_scalar(access, column)}!" for column in table.primary_key)
        fields.append(
            f'"fetch data from the table: \\"{table.name}\\" using primary key columns"\n  '
            f"{names['select_by_pk']}({pk_args}): {access.type_name}"
        )
    return fields


def insert_input(sdl: SdlWriter, access: TableAccess, by_key: dict) -> str:
    """`<t>_insert_input` with nested relationship inserts where the role may insert the remote table."""
    name = f"{access.type_name}_insert_input"
    if name in sdl.definitions:
        return name
    sdl.add(name, "")
    lines = [
        f"{column}: {sdl.scalar(_column_scalar(access, column))}"
        for column in access.insert.columns
        if column not in access.insert.preset
    ]
    for rel in access.relationships:
        remote = by_key[rel.remote]
        if remote.insert is None:
            continue
        remote_input = insert_input(sdl, remote, by_key)
        conflict = on_conflict_input(sdl, remote)
        conflict_field = [f"on_conflict: {conflict}"] if conflict else []
        if rel.kind == "object":
            rel_input = f"{remote.type_name}_obj_rel_insert_input"
            sdl.block(
                "input",
                rel_input,
                [f"data: {remote_input}!"] + conflict_field,
                f'input type for inserting object relation for remote table "{remote.tracked.table.name}"',
            )
        else:
            rel_input = f"{remote.type_name}_arr_rel_insert_input"
            sdl.block(
                "input",
                rel_input,
                [f"data: [{remote_input}!]!"] + conflict_field,
                f'input type for inserting array relation for remote table "{remote.tracked.table.name}"',
            )
        lines.append(f"{rel.name}: {rel_input}")
    del sdl.definitions[name]
    sdl.block(
        "input",
        name,
        lines or [f"{PLACEHOLDER}: Boolean"],
        f'input type for inserting data into table "{access.tracked.table.name}"',
    )
    return name


def on_conflict_input(sdl: SdlWriter, access: TableAccess) -> str | None:
    """`<t>_on_conflict` when the role may upsert (update permission and a unique constraint exist)."""
    table, t = access.tracked.table, access.type_name
    if access.update is None or not table.unique_constraints:
        return None
    sdl.block(
        "enum",
        f"{t}_constraint",
        [con.name for con in table.unique_constraints],
        f'unique or primary key constraints on table "{table.name}"',
    )
    sdl.block(
        "enum",
        f"{t}_update_column",
        list(access.update.columns) or [PLACEHOLDER],
        f'update columns of table "{table.name}"',
    )
    sdl.block(
        "input",
        f"{t}_on_conflict",
        [f"constraint: {t}_constraint!", f"update_columns: [{t}_update_column!]! = []", f"where: {t}_bool_exp"],
        f'on_conflict condition type for table "{table.name}"',
    )
    return f"{t}_on_conflict"


def mutation_fields(sdl: SdlWriter, access: TableAccess, by_key: dict) -> list[str]:
    """mutation_root fields of the table for the role's insert/update/delete permissions."""
    t, names, table, fields = access.type_name, root_field_names(access.type_name), access.tracked.table, []
    if access.insert or access.update or access.delete:
        sdl.block(
            "type",
            f"{t}_mutation_response",
            [
                '"number of rows affected by the mutation"\n  affected_rows: Int!',
                f'"data from the rows affected by the mutation"\n  returning: [{t}!]!',
            ],
            f'response of any mutation on the table "{table.name}"',
        )
    pk_args = ", ".join(f"{column}: {_column_scalar(access, column)}!" for column in table.primary_key)
    if access.insert:
        conflict = on_conflict_input(sdl, access)
        conflict_arg = f", on_conflict: {conflict}" if conflict else ""
        insert_type = insert_input(sdl, access, by_key)
        fields.append(f"{names['insert']}(objects: [{insert_type}!]!{conflict_arg}): {t}_mutation_response")
        fields.append(f"{names['insert_one']}(object: {insert_type}!{conflict_arg}): {t}")
    if access.update:
        columns = [column for column in access.update.columns if column not in access.update.preset]
        set_lines = [f"{column}: {sdl.scalar(_column_scalar(access, column))}" for column in columns]
        inc_lines = [line for line in set_lines if line.split(": ")[1] in NUMERIC_SCALARS]
        sdl.block(
            "input",
            f"{t}_set_input",
            set_lines or [f"{PLACEHOLDER}: Boolean"],
            f'input type for updating data in table "{table.name}"',
        )
        inc_arg = ""
        if inc_lines:
            sdl.block(
                "input",
                f"{t}_inc_input",
                inc_lines,
                f'input type for incrementing numeric columns in table "{table.name}"',
            )
            inc_arg = f"_inc: {t}_inc_input, "
        fields.append(f"{names['update']}({inc_arg}_set: {t}_set_input, where: {t}_bool_exp!): {t}_mutation_response")
        # Hasura adds update_<t>_many beside update_<t> (the double does not serve it: its schema only matches).
        sdl.block(
            "input",
            f"{t}_updates",
            (
                [f'"increments the numeric columns with given value of the filtered values"\n  _inc: {t}_inc_input']
                if inc_arg
                else []
            )
            + [
                f'"sets the columns of the filtered rows to the given values"\n  _set: {t}_set_input',
                f'"filter the rows which have to be updated"\n  where: {t}_bool_exp!',
            ],
        )
        fields.append(
            f'"update multiples rows of table: \\"{table.name}\\""\n  '
            f'update_{t}_many("updates to execute, in order" updates: [{t}_updates!]!): [{t}_mutation_response]'
        )
        if access.root_by_pk:
            sdl.block(
                "input",
                f"{t}_pk_columns_input",
                pk_args.split(", "),
                f"primary key columns input for table: {table.name}",
            )
            fields.append(
                f"{names['update_by_pk']}({inc_arg}_set: {t}_set_input, pk_columns: {t}_pk_columns_input!): {t}"
            )
    if access.delete:
        fields.append(f"{names['delete']}(where: {t}_bool_exp!): {t}_mutation_response")
        if access.root_by_pk:
            fields.append(f"{names['delete_by_pk']}({pk_args}): {t}")
    return fields
