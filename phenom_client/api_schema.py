"""The API contract: the GraphQL schema each role sees, kept as SDL snapshots in hasura/schema/, and what changed.

A snapshot is the engine's introspection printed with graphql-core, types and fields sorted by name and
descriptions kept, so the field order an engine happens to answer in never shows as a change. Two schemas are
compared by structure (`find_breaking_changes`, `find_dangerous_changes`, and what was added): descriptions are
in the snapshot for readers, and are not part of the contract.

A breaking change to role `user`'s schema is one an app version already in the field may still depend on; it is
allowed only once hasura/schema/approved-changes.yaml names it and says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from graphql import (
    GraphQLSchema,
    build_client_schema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    get_introspection_query,
    is_enum_type,
    is_input_object_type,
    is_interface_type,
    is_object_type,
    lexicographic_sort_schema,
    print_ast,
    print_schema,
)

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "hasura" / "schema"
APPROVALS_FILE_NAME = "approved-changes.yaml"
ROLES = ("user", "admin")
# The role whose schema the mobile app uses: its breaking changes need an approval.
APP_ROLE = "user"
INTROSPECTION_QUERY = get_introspection_query(descriptions=True)


class ApprovalsFileError(ValueError):
    """approved-changes.yaml is not a list of {role, change, why}; the message says which entry."""


@dataclass(frozen=True)
class SchemaDiff:
    """What changed from one schema to another, each change in graphql-core's words ("Field Phenom.lat was removed.")."""

    breaking: tuple[str, ...] = ()
    dangerous: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    other: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.breaking or self.dangerous or self.added or self.other)

    def lines(self) -> list[str]:
        """Every change on its own line, tagged breaking, dangerous, added or changed."""
        return (
            [f"breaking: {change}" for change in self.breaking]
            + [f"dangerous: {change}" for change in self.dangerous]
            + [f"added: {change}" for change in self.added]
            + [f"changed: {change}" for change in self.other]
        )


@dataclass(frozen=True)
class Approval:
    """One approved breaking change: the role, the change exactly as SchemaDiff names it, and why it is safe."""

    role: str
    change: str
    why: str


@dataclass
class ContractReport:
    """The contract of every role: failures (changes not in a snapshot, unapproved breaking changes) and warnings."""

    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def snapshot_path(role: str, schema_dir: Path = SCHEMA_DIR) -> Path:
    return schema_dir / f"{role}.graphql"


def schema_from_introspection(data: Mapping[str, Any]) -> GraphQLSchema:
    """The schema an introspection answer (`data` of INTROSPECTION_QUERY) describes."""
    return build_client_schema(data)


def normalised_sdl(schema: GraphQLSchema) -> str:
    """The schema as SDL, types, fields, arguments and enum values sorted by name, descriptions kept."""
    return print_schema(lexicographic_sort_schema(schema)) + "\n"


def read_snapshot(role: str, schema_dir: Path = SCHEMA_DIR) -> GraphQLSchema | None:
    """The committed snapshot of `role`, or None when there is none."""
    path = snapshot_path(role, schema_dir)
    return build_schema(path.read_text(encoding="utf-8")) if path.is_file() else None


def write_snapshot(role: str, schema: GraphQLSchema, schema_dir: Path = SCHEMA_DIR) -> Path:
    """Write `schema` as the snapshot of `role`; the path written."""
    path = snapshot_path(role, schema_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(normalised_sdl(schema), encoding="utf-8")
    return path


def compare(old: GraphQLSchema, new: GraphQLSchema) -> SchemaDiff:
    """What changed from `old` to `new`, descriptions aside."""
    # Both sides go through the same printer and parser, so an engine that does not advertise a directive
    # graphql-core specifies (@deprecated, @specifiedBy) is not reported as having removed it.
    old, new = _reparsed(old), _reparsed(new)
    breaking = tuple(change.description for change in find_breaking_changes(old, new))
    dangerous = tuple(change.description for change in find_dangerous_changes(old, new))
    old_coordinates, new_coordinates = _coordinates(old), _coordinates(new)
    reported = breaking + dangerous
    new_names = new_coordinates.keys() - old_coordinates.keys()
    # A new type's fields and a new field's arguments are part of that one addition.
    added = tuple(
        f"{name} was added."
        for name in sorted(new_names)
        if _parent(name) not in new_names and not any(name in change for change in reported)
    )
    # What graphql-core does not report and is not an addition, e.g. an output field made non-null.
    other = tuple(
        f"{name} changed from {old_coordinates[name]} to {new_coordinates[name]}."
        for name in sorted(old_coordinates.keys() & new_coordinates.keys())
        if old_coordinates[name] != new_coordinates[name]
        and not any(name.partition("(")[0] in change for change in reported)
    )
    return SchemaDiff(breaking, dangerous, added, other)


def drift(deployed: GraphQLSchema, schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """How the schema an environment serves to role `user` differs from this checkout's snapshot, a line each."""
    path = snapshot_path(APP_ROLE, schema_dir)
    if not path.is_file():
        return [f"no snapshot {path.name} to compare with: {REGENERATE}"]
    snapshot_sdl = path.read_text(encoding="utf-8")
    # Snapshots are written as normalised_sdl: the same text is the same schema, and spares the smoke run the
    # schema builds and the comparison (most of this check's time).
    if normalised_sdl(deployed) == snapshot_sdl:
        return []
    return compare(build_schema(snapshot_sdl), deployed).lines()


def read_approvals(schema_dir: Path = SCHEMA_DIR) -> list[Approval]:
    """The approved breaking changes in `schema_dir`/approved-changes.yaml (none when the file is absent)."""
    path = schema_dir / APPROVALS_FILE_NAME
    if not path.is_file():
        return []
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise ApprovalsFileError(f"{path.name} must be a list of entries with role, change and why")
    approvals = []
    for index, entry in enumerate(entries):
        values = entry if isinstance(entry, dict) else {}
        if not all(isinstance(values.get(key), str) and values[key].strip() for key in ("role", "change", "why")):
            raise ApprovalsFileError(f"{path.name} entry {index + 1} needs non-empty role, change and why")
        approvals.append(Approval(values["role"], values["change"].strip(), values["why"].strip()))
    return approvals


def unapproved(role: str, diff: SchemaDiff, approvals: Iterable[Approval]) -> list[str]:
    """The breaking changes of `role` that no approval names (only the app's role needs approvals)."""
    if role != APP_ROLE:
        return []
    approved = {approval.change for approval in approvals if approval.role == role}
    return [change for change in diff.breaking if change not in approved]


def check_contract(
    served: Mapping[str, GraphQLSchema],
    schema_dir: Path = SCHEMA_DIR,
    released: Mapping[str, GraphQLSchema | None] | None = None,
) -> ContractReport:
    """Each role's served schema against its snapshot in `schema_dir`, and against `released` (the snapshots
    apps were built with, e.g. main's): a served schema that is not its snapshot fails, and so does a breaking
    change from the released schema of the app's role that approved-changes.yaml does not name."""
    report = ContractReport()
    approvals = read_approvals(schema_dir)
    for role, schema in served.items():
        snapshot = read_snapshot(role, schema_dir)
        if snapshot is None:
            report.failures.append(f"role {role}: no snapshot {snapshot_path(role).name}: {REGENERATE}")
            continue
        diff = compare(snapshot, schema)
        if diff:
            report.failures.append(
                f"role {role}: the engine's schema is not {snapshot_path(role).name} ({REGENERATE}):\n"
                + "\n".join(f"  {line}" for line in diff.lines())
            )
        base = (released or {}).get(role)
        if base is None:
            continue
        since_release = compare(base, schema)
        report.warnings += [f"role {role}: dangerous: {change}" for change in since_release.dangerous]
        missing = unapproved(role, since_release, approvals)
        if missing:
            report.failures.append(
                f"role {role}: breaking changes that apps in use may depend on, not in {APPROVALS_FILE_NAME}:\n"
                + "\n".join(f"  {change}" for change in missing)
            )
    return report


REGENERATE = "run `.venv/bin/phenom-schema snapshot` and commit hasura/schema/"


def _reparsed(schema: GraphQLSchema) -> GraphQLSchema:
    return build_schema(print_schema(schema))


def _parent(coordinate: str) -> str:
    """The field an argument belongs to, the type a field or value belongs to; "" for a type or a directive."""
    return coordinate.partition("(")[0] if "(" in coordinate else coordinate.rpartition(".")[0]


def _signature(value: Any) -> str:
    """An argument's or input field's type and default as written (both schemas are parsed from SDL)."""
    node = value.ast_node
    default = node.default_value if node is not None else None
    return f"{value.type}" + (f" = {print_ast(default)}" if default is not None else "")


def _coordinates(schema: GraphQLSchema) -> dict[str, str | None]:
    """Every named type, field, argument, input field and enum value, each with its signature. Types and enum values
    have none: graphql-core reports every change of a type's kind and every enum value added or removed."""
    types = {name: named for name, named in schema.type_map.items() if not name.startswith("__")}
    found: dict[str, str | None] = dict.fromkeys(types)
    for name, named in types.items():
        if is_object_type(named) or is_interface_type(named):
            for field_name, field_def in named.fields.items():
                found[f"{name}.{field_name}"] = str(field_def.type)
                for arg_name, arg in field_def.args.items():
                    found[f"{name}.{field_name}({arg_name}:)"] = _signature(arg)
        elif is_input_object_type(named):
            for field_name, input_field in named.fields.items():
                found[f"{name}.{field_name}"] = _signature(input_field)
        elif is_enum_type(named):
            found.update(dict.fromkeys(f"{name}.{value_name}" for value_name in named.values))
    for directive in schema.directives:
        found[f"@{directive.name}"] = ", ".join(str(location) for location in directive.locations)
        for arg_name, arg in directive.args.items():
            found[f"@{directive.name}({arg_name}:)"] = _signature(arg)
    return found
