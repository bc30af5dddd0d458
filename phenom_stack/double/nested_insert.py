"""Inserts with nested relationship data: parents first, then the row, then its children, in one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable

from phenom_stack.double.access import TableAccess
from phenom_stack.double.collect import Selected
from phenom_stack.double.encoding import compact
from phenom_stack.double.errors import HasuraError, validation_failed
from phenom_stack.double.mutation_compile import (
    CHECK_FAILED,
    check_condition,
    mutation_output,
    on_conflict_sql,
    presets,
)
from phenom_stack.double.naming import qualified, quote_ident
from phenom_stack.double.sql_context import SqlContext


def has_nested_data(access: TableAccess, args: dict) -> bool:
    """Whether any inserted object carries relationship data."""
    objects = [args["object"]] if "object" in args else args.get("objects") or []
    names = {rel.name for rel in access.relationships}
    return any(key in names for row in objects for key in row)


class NestedInsert:
    """Runs a nested insert with a cursor and returns the response JSON text."""

    def __init__(
        self, new_context: Callable[[], SqlContext], access: TableAccess, kind: str, selected: Selected, args: dict
    ) -> None:
        self.new_context = new_context
        self.access = access
        self.single = kind == "insert_one"
        self.selected = selected
        self.args = args
        self.error_path = f"$.selectionSet.{selected.key}.args.{'object' if self.single else 'objects'}"
        self.affected_rows = 0

    def run(self, cursor) -> str:
        objects = [self.args["object"]] if self.single else self.args["objects"]
        roots = [self._insert(cursor, self.access, row, self.args.get("on_conflict")) for row in objects]
        roots = [row for row in roots if row is not None]
        ctx = self.new_context()
        table = self.access.tracked.table
        if not table.primary_key:
            raise HasuraError("not-supported", "nested inserts need a primary key on the root table", self.error_path)
        alias = ctx.alias()
        keys = ", ".join(f"{alias}.{quote_ident(c)}" for c in table.primary_key)
        tuples = (
            ", ".join(
                "(" + ", ".join(ctx.param(row[c], table.columns[c].sql_type) for c in table.primary_key) + ")"
                for row in roots
            )
            or "(NULL)"
        )
        rows = f"SELECT {alias}.* FROM {qualified(*self.access.tracked.key)} AS {alias} WHERE ({keys}) IN ({tuples})"
        output = mutation_output(ctx, self.access, self.selected, "_m", self.single)
        cursor.execute(f"WITH _m AS ({rows}) SELECT {output}::text", ctx.params)
        result = json.loads(cursor.fetchone()[0])
        if not self.single and result is not None and "affected_rows" in result:
            result["affected_rows"] = self.affected_rows
        return compact(result)

    def _insert(self, cursor, access: TableAccess, row: dict, on_conflict: dict | None) -> dict | None:
        if access.insert is None:
            raise validation_failed(f'no insert permission on table "{access.tracked.table.name}"', self.error_path)
        values = {key: value for key, value in row.items() if access.relationship(key) is None}
        for key, data in row.items():
            relationship = access.relationship(key)
            if relationship is None or relationship.kind != "object":
                continue
            remote = self._remote(access, relationship)
            parent = self._insert(cursor, remote, data["data"], data.get("on_conflict"))
            if parent is None:
                raise validation_failed(
                    "cannot proceed to insert object relation since insertion of related "
                    "object did not return any rows",
                    self.error_path,
                )
            values.update({local: parent[remote_column] for local, remote_column in relationship.mapping})
        inserted = self._insert_row(cursor, access, values, on_conflict)
        for key, data in row.items():
            relationship = access.relationship(key)
            if relationship is None or relationship.kind != "array" or inserted is None:
                continue
            remote = self._remote(access, relationship)
            for child in data["data"]:
                linked = {**child, **{remote_column: inserted[local] for local, remote_column in relationship.mapping}}
                self._insert(cursor, remote, linked, data.get("on_conflict"))
        return inserted

    def _remote(self, access: TableAccess, relationship) -> TableAccess:
        return self.new_context().role_schema.tables_by_key[relationship.remote]

    def _insert_row(self, cursor, access: TableAccess, values: dict, on_conflict: dict | None) -> dict | None:
        ctx = self.new_context()
        values = {**values, **presets(ctx, access.insert.preset)}
        table, target = access.tracked.table, ctx.alias()
        name = qualified(*access.tracked.key)
        if values:
            columns = ", ".join(quote_ident(c) for c in values)
            params = ", ".join(ctx.param(v, table.columns[c].sql_type) for c, v in values.items())
            insert = f"INSERT INTO {name} AS {target} ({columns}) VALUES ({params})"
        else:
            insert = f"INSERT INTO {name} AS {target} DEFAULT VALUES"
        insert += on_conflict_sql(ctx, access, target, on_conflict)
        check = check_condition(ctx, access, access.insert.check, "_m")
        cursor.execute(f"WITH _m AS ({insert} RETURNING *) SELECT row_to_json(_m)::text, {check} FROM _m", ctx.params)
        found = cursor.fetchone()
        if found is None:
            return None
        if found[1] is False:
            raise HasuraError("permission-error", CHECK_FAILED, self.error_path)
        self.affected_rows += 1
        return json.loads(found[0])
