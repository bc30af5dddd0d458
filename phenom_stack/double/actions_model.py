"""Actions and custom types from the metadata, with handlers and headers resolved from the environment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import GraphQLSyntaxError, parse_type
from graphql.language import ListTypeNode, NamedTypeNode, NonNullTypeNode

from phenom_stack.double.model import Relationship
from phenom_stack.double.naming import GRAPHQL_BUILT_INS

DEFAULT_TIMEOUT_SECONDS = 30
_TEMPLATE = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")


@dataclass(frozen=True)
class Action:
    """A synchronous action: where to POST and what the client sees."""

    name: str
    operation: str
    arguments: tuple[tuple[str, str], ...]
    output_type: str
    handler: str
    headers: tuple[tuple[str, str], ...]
    forward_client_headers: bool
    timeout: int
    roles: frozenset[str]
    description: str | None = None
    # The handler as written in the metadata (`{{VAR}}` unresolved), which Hasura quotes in `internal`.
    handler_template: str = ""
    # Kriti request/response transforms: the double accepts the metadata but refuses to call such an action.
    transformed: bool = False


@dataclass
class CustomTypes:
    """Custom types: field lists keyed by type name; `scalars` and `enums` as declared."""

    objects: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    input_objects: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scalars: tuple[str, ...] = ()
    # Relationships of an object type to tables; `mapping` pairs the type's fields with the table's columns.
    relationships: dict[str, tuple[Relationship, ...]] = field(default_factory=dict)


def base_type_name(type_text: str) -> str:
    """`Phenom` for `[Phenom!]!`."""
    node = parse_type(type_text)
    while isinstance(node, (ListTypeNode, NonNullTypeNode)):
        node = node.type
    return node.name.value


def is_named(type_text: str) -> bool:
    """Whether the type has no list wrapper (`T` or `T!`)."""
    node = parse_type(type_text)
    if isinstance(node, NonNullTypeNode):
        node = node.type
    return isinstance(node, NamedTypeNode)


def render_template(template: str, env: dict[str, str]) -> str:
    """Replace every `{{VAR}}` from env, failing like Hasura when one has no value."""
    missing = [name for name in _TEMPLATE.findall(template) if name not in env]
    if missing:
        raise ValueError("Value for environment variables not found: " + ", ".join(missing))
    return _TEMPLATE.sub(lambda match: env[match.group(1)], template)


def custom_types_from(metadata: dict) -> CustomTypes:
    """The metadata's custom_types as a CustomTypes."""
    spec = metadata.get("custom_types") or {}
    fields = lambda item: tuple((f["name"], f["type"]) for f in item.get("fields") or [])  # noqa: E731
    return CustomTypes(
        objects={item["name"]: fields(item) for item in spec.get("objects") or []},
        input_objects={item["name"]: fields(item) for item in spec.get("input_objects") or []},
        enums={item["name"]: tuple(v["value"] for v in item.get("values") or []) for item in spec.get("enums") or []},
        scalars=tuple(item["name"] for item in spec.get("scalars") or []),
        relationships={
            item["name"]: tuple(_output_relationship(rel) for rel in item.get("relationships") or [])
            for item in spec.get("objects") or []
        },
    )


def _output_relationship(rel: dict) -> Relationship:
    remote = rel["remote_table"]
    key = ("public", remote) if isinstance(remote, str) else (remote.get("schema", "public"), remote["name"])
    return Relationship(rel["name"], rel.get("type", "object"), key, tuple(rel["field_mapping"].items()))


def resolve_actions(metadata: dict, custom: CustomTypes, pg_scalars: set[str], env: dict[str, str]):
    """(actions by name, inconsistent objects) for the metadata's actions."""
    actions: dict[str, Action] = {}
    inconsistent: list[dict] = []
    input_types = (
        set(custom.input_objects) | set(custom.enums) | set(custom.scalars) | pg_scalars | set(GRAPHQL_BUILT_INS)
    )
    for entry in metadata.get("actions") or []:
        try:
            actions[entry["name"]] = _action(entry, custom, input_types, input_types - set(custom.input_objects), env)
        except (ValueError, KeyError, GraphQLSyntaxError) as error:
            reason = f"missing key {error}" if isinstance(error, KeyError) else str(error)
            inconsistent.append(
                {
                    "definition": entry,
                    "name": f"action {entry.get('name')}",
                    "reason": f"Inconsistent object: {reason}",
                    "type": "action",
                }
            )
    return actions, inconsistent


def _action(
    entry: dict, custom: CustomTypes, input_types: set[str], scalar_types: set[str], env: dict[str, str]
) -> Action:
    definition = entry["definition"]
    operation = definition.get("type", "mutation")
    if operation not in ("query", "mutation"):
        raise ValueError(f"expected mutation or query, but found {operation}")
    if operation == "mutation" and definition.get("kind", "synchronous") != "synchronous":
        raise ValueError("only synchronous actions are supported by the engine double")
    arguments = tuple((arg["name"], arg["type"]) for arg in definition.get("arguments") or [])
    for _, type_text in arguments:
        if base_type_name(type_text) not in input_types:
            raise ValueError(
                f'the type: "{base_type_name(type_text)}" is not defined in custom types '
                "or it is not a scalar/enum/input_object"
            )
    output = base_type_name(definition["output_type"])
    if output not in custom.objects and output not in scalar_types:
        raise ValueError(f'the type: "{output}" is not an object type defined in custom types')
    headers = []
    for header in definition.get("headers") or []:
        if "value_from_env" in header:
            if header["value_from_env"] not in env:
                raise ValueError(f"environment variable '{header['value_from_env']}' not set")
            headers.append((header["name"], env[header["value_from_env"]]))
        else:
            headers.append((header["name"], header["value"]))
    roles = frozenset(permission["role"] for permission in entry.get("permissions") or [])
    return Action(
        entry["name"],
        operation,
        arguments,
        definition["output_type"],
        render_template(definition["handler"], env),
        tuple(headers),
        bool(definition.get("forward_client_headers", False)),
        int(definition.get("timeout", DEFAULT_TIMEOUT_SECONDS)),
        roles,
        entry.get("comment"),
        definition["handler"],
        bool(definition.get("request_transform") or definition.get("response_transform")),
    )
