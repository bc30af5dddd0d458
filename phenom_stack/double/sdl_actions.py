"""GraphQL SDL for the actions a role may call and the custom types they reach."""

from __future__ import annotations

from phenom_stack.double.access import ADMIN_ROLE
from phenom_stack.double.actions_model import Action, CustomTypes, base_type_name
from phenom_stack.double.naming import GRAPHQL_BUILT_INS
from phenom_stack.double.sdl_tables import SdlWriter


def visible_actions(actions: dict[str, Action], role: str) -> list[Action]:
    """Actions the role sees: all for admin, else those with a permission entry for the role."""
    return [action for action in actions.values() if role == ADMIN_ROLE or role in action.roles]


def _custom_type(sdl: SdlWriter, custom: CustomTypes, name: str) -> None:
    if name in sdl.definitions or name in GRAPHQL_BUILT_INS:
        return
    if name in custom.objects or name in custom.input_objects:
        is_input = name in custom.input_objects
        fields = custom.input_objects[name] if is_input else custom.objects[name]
        sdl.add(name, "")
        for _, type_text in fields:
            _custom_type(sdl, custom, base_type_name(type_text))
        del sdl.definitions[name]
        sdl.block("input" if is_input else "type", name, [f"{field}: {type_text}" for field, type_text in fields])
    elif name in custom.enums:
        sdl.block("enum", name, list(custom.enums[name]))
    else:
        sdl.scalar(name)


def action_field(sdl: SdlWriter, custom: CustomTypes, action: Action) -> str:
    """The root field of `action`, declaring the custom types it uses."""
    for _, type_text in action.arguments:
        _custom_type(sdl, custom, base_type_name(type_text))
    _custom_type(sdl, custom, base_type_name(action.output_type))
    arguments = ", ".join(f"{name}: {type_text}" for name, type_text in action.arguments)
    description = f'"""\n  {action.description}\n  """\n  ' if action.description else ""
    return f"{description}{action.name}{f'({arguments})' if arguments else ''}: {action.output_type}"
