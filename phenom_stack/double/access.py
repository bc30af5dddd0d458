"""What one role may do with each tracked table, from the metadata's permissions (admin: everything)."""

from __future__ import annotations

from dataclasses import dataclass

from phenom_stack.double.model import Permission, Relationship, TrackedTable

ADMIN_ROLE = "admin"


@dataclass(frozen=True)
class TableAccess:
    """One role's view of one table; a permission of None means the role cannot do that."""

    tracked: TrackedTable
    select: Permission
    relationships: tuple[Relationship, ...]
    root_select: bool
    root_by_pk: bool
    root_aggregate: bool
    insert: Permission | None
    update: Permission | None
    delete: Permission | None

    @property
    def type_name(self) -> str:
        return self.tracked.type_name

    @property
    def columns(self) -> tuple[str, ...]:
        return self.select.columns

    def relationship(self, name: str) -> Relationship | None:
        return next((rel for rel in self.relationships if rel.name == name), None)


def _full(tracked: TrackedTable) -> Permission:
    return Permission(tuple(tracked.table.columns), {}, {}, {}, allow_aggregations=True)


def table_access(tables: dict[tuple[str, str], TrackedTable], role: str) -> dict[tuple[str, str], TableAccess]:
    """Access per table key for `role`: tables without a select permission are left out."""
    selectable = {
        key: (_full(tracked) if role == ADMIN_ROLE else tracked.permissions["select"].get(role))
        for key, tracked in tables.items()
    }
    access = {}
    for key, tracked in tables.items():
        select = selectable[key]
        if select is None:
            continue
        relationships = tuple(rel for rel in tracked.relationships.values() if selectable.get(rel.remote) is not None)
        root_fields = select.query_root_fields
        pk = tracked.table.primary_key
        access[key] = TableAccess(
            tracked=tracked,
            select=select,
            relationships=relationships,
            root_select=root_fields is None or "select" in root_fields,
            root_by_pk=bool(pk)
            and all(column in select.columns for column in pk)
            and (root_fields is None or "select_by_pk" in root_fields),
            root_aggregate=select.allow_aggregations and (root_fields is None or "select_aggregate" in root_fields),
            insert=_full(tracked) if role == ADMIN_ROLE else _usable(tracked.permissions["insert"].get(role)),
            update=_full(tracked) if role == ADMIN_ROLE else tracked.permissions["update"].get(role),
            delete=_full(tracked) if role == ADMIN_ROLE else tracked.permissions["delete"].get(role),
        )
    return access


def _usable(permission: Permission | None) -> Permission | None:
    # backend_only inserts exist only for requests that say x-hasura-use-backend-only-permissions.
    return None if permission is None or permission.backend_only else permission
