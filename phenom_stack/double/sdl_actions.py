"""GraphQL SDL for the actions a role may call and the custom types they reach."""

from __future__ import annotations

from phenom_stack.double.access import ADMIN_ROLE
from phenom_stack.double.actions_model import Action, CustomTypes, base_type_name
from phenom_stack.double.naming import GRAPHQL_BUILT_INS
from phenom_stack.double.sdl_tables import SdlWriter, select_arguments


def visible_actions(actions: dict[str, Action], role: str) -> list[Action]:
    """Actions the role sees: all for admin, else those with a permission entry for the role."""
    return [action for action in actions.values() if role == ADMIN_ROLE or role in action.roles]


def _relationship_fields(custom: CustomTypes, name: str, tables: dict) -> list[str]:
    """The fields of an output type's relationships to tables the role can select from."""
    lines = []
    for rel in custom.relationships.get(name, ()):
        remote = tables.get(rel.remote)
        if remote is None:
            continue
        if rel.kind == "object":
            lines.append(f"{rel.name}: {remote.type_name}")
        else:
            lines.append(f"{rel.name}{select_arguments(remote)}: [{remote.type_name}!]!")
    return lines


def _custom_type(sdl: SdlWriter, custom: CustomTypes, name: str, tables: dict) -> None:
    if name in sdl.definitions or name in GRAPHQL_BUILT_INS:
        return
    if name in custom.objects or name in custom.input_objects:
        is_input = name in custom.input_objects
        fields = custom.input_objects[name] if is_input else custom.objects[name]
        sdl.add(name, "")
        for _, type_text in fields:
            _custom_type(sdl, custom, base_type_name(type_text), tables)
        del sdl.definitions[name]
        lines = [f"{field}: {type_text}" for field, type_text in fields]
        if not is_input:
            lines += _relationship_fields(custom, name, tables)
        sdl.block("input" if is_input else "type", name, lines)
    elif name in custom.enums:
        sdl.block("enum", name, list(custom.enums[name]))
    else:
        sdl.scalar(name)


def action_field(sdl: SdlWriter, custom: CustomTypes, action: Action, tables: dict | None = None) -> str:
    """The root field of `action`, declaring the custom types it uses.

    `tables` is the role's table access by key: output relationships to those tables become fields.
    """
    tables = tables or {}
    for _, type_text in action.arguments:
        _custom_type(sdl, custom, base_type_name(type_text), tables)
    _custom_type(sdl, custom, base_type_name(action.output_type), tables)
    arguments = ", ".join(f"{name}: {type_text}" for name, type_text in action.arguments)
    description = f'"""\n  {action.description}\n  """\n  ' if action.description else ""
    return f"{description}{action.name}{f'({arguments})' if arguments else ''}: {action.output_type}"
