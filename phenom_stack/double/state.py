"""The engine's schema cache: metadata resolved against the catalog, rebuilt on every metadata change."""

from __future__ import annotations

from dataclasses import dataclass, field

from phenom_stack.double.actions_model import Action, CustomTypes, base_type_name, custom_types_from, resolve_actions
from phenom_stack.double.catalog import Catalog
from phenom_stack.double.model import TableResolver, TrackedTable
from phenom_stack.double.naming import GRAPHQL_BUILT_INS, scalar_name
from phenom_stack.double.schema import SchemaCache

DEFAULT_SOURCE = "default"
EMPTY_METADATA = {"version": 3, "sources": []}
# Postgres scalars custom types may use even when no tracked column has them.
KNOWN_PG_SCALARS = {
    "uuid",
    "timestamptz",
    "timestamp",
    "date",
    "time",
    "timetz",
    "interval",
    "json",
    "jsonb",
    "numeric",
    "float8",
    "bigint",
    "smallint",
    "bpchar",
    "citext",
    "bytea",
    "inet",
}


@dataclass
class EngineState:
    """Everything a request needs from the metadata: tables, actions, custom types and role schemas."""

    metadata: dict
    source_url: str | None
    tables: dict[tuple[str, str], TrackedTable] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    custom_types: CustomTypes = field(default_factory=CustomTypes)
    inconsistent: list[dict] = field(default_factory=list)
    schemas: SchemaCache = None

    def __post_init__(self) -> None:
        self.schemas = SchemaCache(self)


def source_of(metadata: dict) -> dict | None:
    """The `default` Postgres source of the metadata, if it has one."""
    return next((source for source in metadata.get("sources") or [] if source.get("name") == DEFAULT_SOURCE), None)


def source_url(metadata: dict, env: dict[str, str], fallback_url: str) -> tuple[str | None, list[dict]]:
    """The default source's database URL (from_env resolved) and any inconsistency resolving it."""
    source = source_of(metadata)
    if source is None:
        return fallback_url, []
    url = ((source.get("configuration") or {}).get("connection_info") or {}).get("database_url")
    if isinstance(url, dict) and "from_env" in url:
        if url["from_env"] not in env:
            reason = f"Inconsistent object: environment variable '{url['from_env']}' not set"
            return None, [
                {"definition": source, "name": f"source {DEFAULT_SOURCE}", "reason": reason, "type": "source"}
            ]
        return env[url["from_env"]], []
    return (url if isinstance(url, str) else fallback_url), []


def build_state(
    metadata: dict, url: str | None, catalog: Catalog, env: dict[str, str], inconsistent: list[dict]
) -> EngineState:
    """Resolve `metadata` against `catalog` (the database at `url`) into a new EngineState."""
    state = EngineState(metadata, url, inconsistent=list(inconsistent))
    source = source_of(metadata)
    for other in metadata.get("sources") or []:
        if other is not source:
            state.inconsistent.append(
                {
                    "definition": other,
                    "name": f"source {other.get('name')}",
                    "type": "source",
                    "reason": "Inconsistent object: the engine double serves only the 'default' Postgres source",
                }
            )
    if source is not None and url is not None:
        resolver = TableResolver(DEFAULT_SOURCE, source.get("tables") or [], catalog)
        state.tables = resolver.resolve()
        state.inconsistent += resolver.inconsistent
    state.custom_types = custom_types_from(metadata)
    pg_scalars = KNOWN_PG_SCALARS | {
        scalar_name(column.type) for table in catalog.values() for column in table.columns.values()
    }
    state.inconsistent += _custom_type_problems(state.custom_types, pg_scalars)
    state.actions, action_problems = resolve_actions(metadata, state.custom_types, pg_scalars, env)
    state.inconsistent += action_problems
    return state


def _custom_type_problems(custom: CustomTypes, pg_scalars: set[str]) -> list[dict]:
    known = (
        set(custom.objects)
        | set(custom.input_objects)
        | set(custom.enums)
        | set(custom.scalars)
        | pg_scalars
        | set(GRAPHQL_BUILT_INS)
    )
    problems = []
    for kind, types in (("object", custom.objects), ("input object", custom.input_objects)):
        for type_name, fields in types.items():
            for field_name, type_text in fields:
                if base_type_name(type_text) not in known:
                    problems.append(
                        {
                            "definition": {"name": type_name},
                            "name": "custom_types",
                            "type": "custom_types",
                            "reason": f'Inconsistent object: the type "{base_type_name(type_text)}" for field '
                            f'"{field_name}" in {kind} type "{type_name}" does not exist',
                        }
                    )
    if problems:
        custom.objects.clear()
        custom.input_objects.clear()
    return problems
