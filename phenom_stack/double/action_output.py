"""An action handler's 2xx JSON checked against the output type, then projected onto the selection."""

from __future__ import annotations

from graphql import parse_type
from graphql.language import ListTypeNode, NonNullTypeNode

from phenom_stack.double.actions_model import CustomTypes, base_type_name
from phenom_stack.double.collect import Selected, Walk, subfields
from phenom_stack.double.errors import UNEXPECTED, HasuraError
from phenom_stack.double.naming import GRAPHQL_BUILT_INS


def _unexpected(message: str) -> HasuraError:
    return HasuraError(UNEXPECTED, message)


def _field_error(message: str, value: dict) -> HasuraError:
    # Hasura's internal for a missing or null field quotes only the object, not the whole webhook exchange.
    return HasuraError(UNEXPECTED, message, internal={"webhook_response": value})


def is_scalar_output(output_type: str, custom: CustomTypes) -> bool:
    """Whether the output's base type is a scalar (built-in, Postgres or custom), not a custom object."""
    return base_type_name(output_type) not in custom.objects


def validate_response(value, output_type: str, custom: CustomTypes) -> None:
    """Raise Hasura's `unexpected` error when `value` does not fit the action's output type."""
    _validate(value, parse_type(output_type), custom)


def _validate(value, type_node, custom: CustomTypes) -> None:
    nullable = not isinstance(type_node, NonNullTypeNode)
    node = type_node if nullable else type_node.type
    if value is None:
        if not nullable:
            raise _unexpected("got null for the action webhook response")
        return
    if isinstance(node, ListTypeNode):
        if not isinstance(value, list):
            raise _unexpected("expecting array for the action webhook response")
        for item in value:
            _validate(item, node.type, custom)
        return
    name = node.name.value
    if name not in GRAPHQL_BUILT_INS and name not in custom.objects:
        # Postgres and custom scalars (`json`, `myCustomScalar`) take any JSON value.
        return
    if isinstance(value, list):
        raise _unexpected(f"got array for the action webhook response, expecting {name}")
    if isinstance(value, bool):
        if name != "Boolean":
            raise _unexpected(f"got scalar Boolean for the action webhook response, expecting {name}")
    elif isinstance(value, (int, float)):
        if name not in ("Int", "Float"):
            # Hasura's message says String here too.
            raise _unexpected(f"got scalar String for the action webhook response, expecting {name}")
    elif isinstance(value, str):
        if name not in ("String", "ID"):
            raise _unexpected(f"got scalar String for the action webhook response, expecting {name}")
    elif isinstance(value, dict):
        if name in GRAPHQL_BUILT_INS:
            raise _unexpected(f"got object for the action webhook response, expecting {name}")
        for field, field_type in custom.objects.get(name, ()):
            if field_type.endswith("!"):
                if field not in value:
                    raise _field_error(f'field "{field}" expected in webhook response, but not found', value)
                if value[field] is None:
                    raise _unexpected(f'expecting not null value for field "{field}"')


def project(walk: Walk, selected: Selected, value, output_type: str, custom: CustomTypes, relate=None):
    """The response value for the selection, built from the handler's JSON like Hasura builds it.

    `relate(type_name, relationship, object, selected)` answers a field that is a relationship to a table.
    """
    if is_scalar_output(output_type, custom):
        return value
    type_name = base_type_name(output_type)
    fields = subfields(walk, selected, type_name)
    if isinstance(value, list):
        return [
            _object(walk, fields, type_name, item, custom, relate) if isinstance(item, dict) else item for item in value
        ]
    if isinstance(value, dict):
        return _object(walk, fields, type_name, value, custom, relate)
    return value


def _object(walk: Walk, fields: list[Selected], type_name: str, value: dict, custom: CustomTypes, relate=None) -> dict:
    result = {}
    field_types = dict(custom.objects.get(type_name, ()))
    relationships = {rel.name: rel for rel in custom.relationships.get(type_name, ())}
    for field in fields:
        if field.name == "__typename":
            result[field.key] = type_name
            continue
        if field.name in relationships and relate is not None:
            result[field.key] = relate(type_name, relationships[field.name], value, field)
            continue
        nested_type = base_type_name(field_types[field.name])
        if nested_type not in custom.objects:
            if field.name in value:
                result[field.key] = value[field.name]
            continue
        # Hasura looks nested objects up by response key, so an aliased nested object field is left out.
        if field.key not in value:
            continue
        nested_fields = subfields(walk, field, nested_type)
        nested = _nested(walk, nested_fields, nested_type, value[field.key], custom, relate)
        if nested is not _OMIT:
            result[field.key] = nested
    return result


_OMIT = object()


def _nested(walk: Walk, fields, type_name: str, value, custom: CustomTypes, relate=None):
    if value is None:
        return None
    if isinstance(value, dict):
        return _object(walk, fields, type_name, value, custom, relate)
    if isinstance(value, list):
        items = (_nested(walk, fields, type_name, item, custom, relate) for item in value)
        return [item for item in items if item is not _OMIT]
    return _OMIT
