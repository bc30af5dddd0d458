"""One role's GraphQL schema (graphql-core) plus the registry that maps its fields back to tables and actions."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from graphql import GraphQLSchema, build_schema

from phenom_stack.double.access import TableAccess, table_access
from phenom_stack.double.actions_model import Action
from phenom_stack.double.naming import root_field_names
from phenom_stack.double.sdl_actions import action_field, visible_actions
from phenom_stack.double.sdl_subscriptions import SUBSCRIPTION_ROOT, subscription_fields
from phenom_stack.double.sdl_tables import SdlWriter, mutation_fields, object_type, query_fields

QUERY_ROOT = "query_root"
MUTATION_ROOT = "mutation_root"
# The one directive Hasura adds to the specified ones (Parser/Directives.hs); the double accepts and ignores it.
CACHED_DIRECTIVE = (
    '"whether this query should be cached (Hasura Cloud only)"\ndirective @cached(\n'
    '  "measured in seconds"\n  ttl: Int! = 60\n  "refresh the cache entry"\n  refresh: Boolean! = false\n) on QUERY'
)


@dataclass(frozen=True)
class RootField:
    """What a root field does: `kind` is a key of naming.root_field_names or 'action'."""

    kind: str
    table: TableAccess | None = None
    action: Action | None = None


@dataclass
class RoleSchema:
    """The schema a role queries, and how to execute each of its fields."""

    role: str
    schema: GraphQLSchema
    sdl: str
    root_fields: dict[tuple[str, str], RootField]
    tables_by_type: dict[str, TableAccess]
    tables_by_key: dict[tuple[str, str], TableAccess]
    documents: dict = field(default_factory=dict)
    introspections: dict = field(default_factory=dict)


def build_role_schema(state, role: str) -> RoleSchema:
    """Build the role's schema from the engine state's tables, actions and custom types."""
    access = table_access(state.tables, role)
    sdl = SdlWriter()
    query, mutation, subscription, registry = [], [], [], {}
    for table in access.values():
        object_type(sdl, table, access)
    for table in access.values():
        names = root_field_names(table.type_name)
        query += query_fields(sdl, table)
        for kind in ("select", "select_by_pk", "select_aggregate"):
            registry[(QUERY_ROOT, names[kind])] = RootField(kind, table)
        subscription += subscription_fields(sdl, table)
        mutation += mutation_fields(sdl, table, access)
        for kind in ("insert", "insert_one", "update", "update_by_pk", "delete", "delete_by_pk"):
            registry[(MUTATION_ROOT, names[kind])] = RootField(kind, table)
    for action in visible_actions(state.actions, role):
        root_field = action_field(sdl, state.custom_types, action, access)
        (query if action.operation == "query" else mutation).append(root_field)
        registry[(QUERY_ROOT if action.operation == "query" else MUTATION_ROOT, action.name)] = RootField(
            "action", action=action
        )
    sdl.block("type", QUERY_ROOT, query or ["no_queries_available: String!"])
    roots = [f"query: {QUERY_ROOT}"]
    if mutation:
        sdl.block("type", MUTATION_ROOT, mutation)
        roots.append(f"mutation: {MUTATION_ROOT}")
    if subscription:
        sdl.block("type", SUBSCRIPTION_ROOT, subscription)
        roots.append(f"subscription: {SUBSCRIPTION_ROOT}")
    sdl.add("@cached", CACHED_DIRECTIVE)
    sdl.add("schema", "schema {\n  " + "\n  ".join(roots) + "\n}")
    text = sdl.text()
    return RoleSchema(
        role, build_schema(text), text, registry, {table.type_name: table for table in access.values()}, access
    )


class SchemaCache:
    """Role schemas built once per engine state, on first use by that role."""

    def __init__(self, state) -> None:
        self._state = state
        self._schemas: dict[str, RoleSchema] = {}
        self._lock = threading.Lock()

    def get(self, role: str) -> RoleSchema:
        schema = self._schemas.get(role)
        if schema is None:
            with self._lock:
                schema = self._schemas.get(role)
                if schema is None:
                    schema = self._schemas[role] = build_role_schema(self._state, role)
        return schema
