"""The tracked tables of the metadata, resolved against the catalog, with their inconsistencies."""

from __future__ import annotations

from dataclasses import dataclass, field

from phenom_stack.double.catalog import Catalog, Table
from phenom_stack.double.naming import table_type_name

BOOL_OPERATORS = ("_and", "_or", "_not", "_exists")


@dataclass(frozen=True)
class Relationship:
    """An object or array relationship: rows of `remote` whose `mapping` columns equal ours."""

    name: str
    kind: str
    remote: tuple[str, str]
    mapping: tuple[tuple[str, str], ...]
    local_columns_not_null: bool = False


@dataclass(frozen=True)
class Permission:
    """One role's permission of one kind; `columns` is None for delete permissions."""

    columns: tuple[str, ...] | None
    filter: dict
    check: dict
    preset: dict
    limit: int | None = None
    query_root_fields: tuple[str, ...] | None = None
    backend_only: bool = False
    allow_aggregations: bool = False


@dataclass
class TrackedTable:
    """A tracked table: catalog facts plus relationships and permissions by role."""

    table: Table
    type_name: str
    relationships: dict[str, Relationship] = field(default_factory=dict)
    permissions: dict[str, dict[str, Permission]] = field(
        default_factory=lambda: {"select": {}, "insert": {}, "update": {}, "delete": {}}
    )

    @property
    def key(self) -> tuple[str, str]:
        return (self.table.schema, self.table.name)


def _underscored(key: str) -> str:
    return "_" + key[1:] if key.startswith("$") else key


def normalize_bool_exp(expression):
    """A permission's boolean expression in its one canonical form.

    Hasura also accepts `$`-prefixed operators (`$or`, `$has_key`, `$cgt`) and a bare value for `_eq`
    (`id: X-Hasura-User-Id`); they are rewritten to `_or`, `_has_key`, `{_eq: ...}`.
    """
    if not isinstance(expression, dict):
        return expression
    normalized = {}
    for raw_key, value in expression.items():
        key = _underscored(raw_key)
        if key in ("_and", "_or"):
            value = [normalize_bool_exp(item) for item in value or []]
        elif key == "_not":
            value = normalize_bool_exp(value)
        elif key == "_exists":
            value = {**value, "_where": normalize_bool_exp(value.get("_where") or {})}
        elif not isinstance(value, dict):
            value = {"_eq": value}
        elif value and all(name.startswith(("_", "$")) and _underscored(name) not in BOOL_OPERATORS for name in value):
            value = {_underscored(name): item for name, item in value.items()}
        else:
            value = normalize_bool_exp(value)
        normalized[key] = value
    return normalized


def _table_key(value) -> tuple[str, str]:
    if isinstance(value, str):
        return ("public", value)
    return (value.get("schema", "public"), value["name"])


def _inconsistent(kind: str, name: str, reason: str, definition) -> dict:
    return {"definition": definition, "name": name, "reason": f"Inconsistent object: {reason}", "type": kind}


class TableResolver:
    """Resolves a source's `tables` metadata against the catalog, collecting inconsistent objects."""

    def __init__(self, source_name: str, tables_metadata: list[dict], catalog: Catalog) -> None:
        self.source_name = source_name
        self.metadata = tables_metadata
        self.catalog = catalog
        self.tables: dict[tuple[str, str], TrackedTable] = {}
        self.inconsistent: list[dict] = []

    def resolve(self) -> dict[tuple[str, str], TrackedTable]:
        for entry in self.metadata:
            key = _table_key(entry["table"])
            if key not in self.catalog:
                self.inconsistent.append(
                    _inconsistent(
                        "table",
                        f"table {key[1]} in source {self.source_name}",
                        f'no such table/view exists in source: "{key[1]}"',
                        entry["table"],
                    )
                )
                continue
            self.tables[key] = TrackedTable(self.catalog[key], table_type_name(*key))
        for entry in self.metadata:
            tracked = self.tables.get(_table_key(entry["table"]))
            if tracked is not None:
                self._relationships(tracked, entry)
        for entry in self.metadata:
            tracked = self.tables.get(_table_key(entry["table"]))
            if tracked is not None:
                self._permissions(tracked, entry)
        return self.tables

    def _record(
        self,
        tracked: TrackedTable,
        entry: dict,
        item: dict,
        object_type: str,
        object_name: str,
        within: str,
        error: ValueError,
    ) -> None:
        """Note an item of the table's entry that does not resolve, named and worded as Hasura reports it."""
        self.inconsistent.append(
            _inconsistent(
                object_type,
                f"{object_type} {object_name} in table {tracked.table.name} in source {self.source_name}",
                f'in table "{tracked.table.name}": {within}: {error}',
                dict(item, source=self.source_name, table=entry["table"]),
            )
        )

    def _relationships(self, tracked: TrackedTable, entry: dict) -> None:
        for kind in ("object", "array"):
            for rel in entry.get(f"{kind}_relationships") or []:
                try:
                    tracked.relationships[rel["name"]] = self._relationship(tracked, kind, rel)
                except ValueError as error:
                    self._record(
                        tracked, entry, rel, f"{kind}_relation", rel["name"], f'in relationship "{rel["name"]}"', error
                    )

    def _relationship(self, tracked: TrackedTable, kind: str, rel: dict) -> Relationship:
        using = rel.get("using") or {}
        table = tracked.table
        if "manual_configuration" in using:
            config = using["manual_configuration"]
            remote = _table_key(config["remote_table"])
            remote_table = self._tracked_remote(remote)
            mapping = tuple(config["column_mapping"].items())
            for local, remote_column in mapping:
                if local not in table.columns:
                    raise ValueError(f'column "{local}" does not exist in table "{table.name}"')
                if remote_column not in remote_table.columns:
                    raise ValueError(f'column "{remote_column}" does not exist in table "{remote[1]}"')
            return Relationship(rel["name"], kind, remote, mapping)
        fk_on = using.get("foreign_key_constraint_on")
        if fk_on is None:
            raise ValueError("expecting foreign_key_constraint_on or manual_configuration")
        if isinstance(fk_on, dict):
            remote = _table_key(fk_on["table"])
            remote_table = self._tracked_remote(remote)
            columns = tuple(fk_on.get("columns") or [fk_on["column"]])
            for fk in remote_table.foreign_keys:
                if fk.columns == columns and fk.ref_table == tracked.key:
                    mapping = tuple(zip(fk.ref_columns, fk.columns, strict=True))
                    return Relationship(rel["name"], kind, remote, mapping)
            raise ValueError(f'no foreign constraint exists on the given column(s) of table "{remote[1]}"')
        columns = (fk_on,) if isinstance(fk_on, str) else tuple(fk_on)
        for fk in table.foreign_keys:
            if fk.columns == columns:
                self._tracked_remote(fk.ref_table)
                not_null = all(not table.columns[column].nullable for column in columns)
                return Relationship(
                    rel["name"], kind, fk.ref_table, tuple(zip(fk.columns, fk.ref_columns, strict=True)), not_null
                )
        raise ValueError("no foreign constraint exists on the given column(s)")

    def _tracked_remote(self, key: tuple[str, str]) -> Table:
        if key not in self.tables:
            raise ValueError(f'table "{key[1]}" is not tracked')
        return self.tables[key].table

    def _permissions(self, tracked: TrackedTable, entry: dict) -> None:
        for kind in ("select", "insert", "update", "delete"):
            for item in entry.get(f"{kind}_permissions") or []:
                role, spec = item["role"], item.get("permission") or {}
                try:
                    tracked.permissions[kind][role] = self._permission(tracked, kind, spec)
                except ValueError as error:
                    self._record(
                        tracked, entry, item, f"{kind}_permission", role, f'in permission for role "{role}"', error
                    )

    def _permission(self, tracked: TrackedTable, kind: str, spec: dict) -> Permission:
        table = tracked.table
        columns = None
        if kind != "delete":
            requested = spec.get("columns", [])
            columns = tuple(table.columns) if requested == "*" else tuple(requested)
            for column in columns:
                if column not in table.columns:
                    raise ValueError(f'column "{column}" not found in table "{table.name}"')
        filter_exp = normalize_bool_exp(spec.get("filter") or {})
        check_exp = normalize_bool_exp(spec.get("check") or {})
        for expression in (filter_exp, check_exp):
            self._check_bool_exp(tracked, expression)
        preset = spec.get("set") or {}
        for column in preset:
            if column not in table.columns:
                raise ValueError(f'column "{column}" not found in table "{table.name}"')
        root_fields = spec.get("query_root_fields")
        return Permission(
            columns,
            filter_exp,
            check_exp,
            preset,
            spec.get("limit"),
            tuple(root_fields) if root_fields is not None else None,
            bool(spec.get("backend_only")),
            bool(spec.get("allow_aggregations")),
        )

    def _check_bool_exp(self, tracked: TrackedTable, expression: dict) -> None:
        for key, value in expression.items():
            if key in ("_and", "_or"):
                for item in value:
                    self._check_bool_exp(tracked, item)
            elif key == "_not":
                self._check_bool_exp(tracked, value)
            elif key == "_exists":
                remote = _table_key(value["_table"])
                if remote not in self.tables:
                    raise ValueError(f'table "{remote[1]}" is not tracked')
                self._check_bool_exp(self.tables[remote], value.get("_where") or {})
            elif key in tracked.relationships:
                self._check_bool_exp(self.tables[tracked.relationships[key].remote], value)
            elif key not in tracked.table.columns:
                raise ValueError(f'"{key}" does not exist')
