"""Every 2xx reply of the action handler matches its output type in hasura/metadata/actions.graphql, all
the way down (Hasura itself checks only the top level, so a nested mismatch would reach the client)."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from graphql import (
    DocumentNode,
    GraphQLObjectType,
    GraphQLSchema,
    NamedTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    Visitor,
    build_ast_schema,
    is_enum_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    is_scalar_type,
    parse,
    specified_scalar_types,
    visit,
)

from tests.contract.backend_calls import HTTP_TIMEOUT_SECONDS, call_action_as, create_phenom_as
from tests.contract.cleanup import delete_phenom_as

pytestmark = pytest.mark.contract

ACTIONS_SDL = Path(__file__).resolve().parents[3] / "hasura" / "metadata" / "actions.graphql"


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(value)
    except (AttributeError, TypeError, ValueError):
        return False
    return True


def _is_timestamptz(value: Any) -> bool:
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except (TypeError, ValueError):
        return False


# JSON shape of each scalar as Hasura serialises it; a scalar missing here fails the test that meets it.
SCALAR_CHECKS: dict[str, Callable[[Any], bool]] = {
    "String": lambda value: isinstance(value, str),
    "ID": lambda value: isinstance(value, str),
    "Boolean": lambda value: isinstance(value, bool),
    "Int": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "Float": lambda value: isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value),
    "uuid": _is_uuid,
    "timestamptz": _is_timestamptz,
}


class _NamedTypes(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_named_type(self, node: NamedTypeNode, *_args) -> None:
        self.names.add(node.name.value)


def action_schema(sdl: str) -> GraphQLSchema:
    """The actions SDL as a schema: repeated `type Mutation` blocks merged (as Hasura merges them) and the
    Postgres scalars it uses declared (Hasura provides them from the database)."""
    document = parse(sdl)
    defined, definitions = set(), []
    for definition in document.definitions:
        name = definition.name.value
        if isinstance(definition, ObjectTypeDefinitionNode) and name in defined:
            definition = ObjectTypeExtensionNode(
                name=definition.name, fields=definition.fields, interfaces=(), directives=()
            )
        defined.add(name)
        definitions.append(definition)
    used = _NamedTypes()
    visit(document, used)
    undeclared = sorted(used.names - defined - set(specified_scalar_types))
    scalars = parse("\n".join(f"scalar {name}" for name in undeclared)).definitions if undeclared else ()
    return build_ast_schema(DocumentNode(definitions=(*scalars, *definitions)))


def type_violations(value: Any, graphql_type, path: str = "$") -> list[str]:
    """Every way `value` (decoded JSON) differs from `graphql_type`; empty when it matches."""
    if is_non_null_type(graphql_type):
        if value is None:
            return [f"{path}: null, but the type is {graphql_type}"]
        return type_violations(value, graphql_type.of_type, path)
    if value is None:
        return []
    if is_list_type(graphql_type):
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        item_type = graphql_type.of_type
        return [
            found for index, item in enumerate(value) for found in type_violations(item, item_type, f"{path}[{index}]")
        ]
    if is_object_type(graphql_type):
        return _object_violations(value, graphql_type, path)
    if is_enum_type(graphql_type):
        return [] if value in graphql_type.values else [f"{path}: {value!r} is not a value of {graphql_type.name}"]
    if is_scalar_type(graphql_type):
        check = SCALAR_CHECKS.get(graphql_type.name)
        if check is None:
            return [f"{path}: no JSON check for scalar {graphql_type.name}; add one to SCALAR_CHECKS"]
        return [] if check(value) else [f"{path}: {value!r} is not a {graphql_type.name}"]
    return [f"{path}: unsupported output type {graphql_type}"]


def _object_violations(value: Any, object_type: GraphQLObjectType, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected an object ({object_type.name}), got {type(value).__name__}"]
    found = []
    for name, field in object_type.fields.items():
        if name not in value:
            found.append(f"{path}.{name}: missing")
        else:
            found += type_violations(value[name], field.type, f"{path}.{name}")
    return found


SCHEMA = action_schema(ACTIONS_SDL.read_text(encoding="utf-8"))
ACTION_FIELDS = {**SCHEMA.query_type.fields, **SCHEMA.mutation_type.fields}


def _upload(upload_url: str, content: bytes) -> None:
    requests.put(upload_url, data=content, timeout=HTTP_TIMEOUT_SECONDS).raise_for_status()


@pytest.fixture(scope="module")
def listed_phenom(action_url, user_a) -> str:
    """A phenom of user A with two media, one of them uploaded, so getPhenoms has every field to fill; removed after."""
    output = create_phenom_as(action_url, user_a, ["first.jpg", "second.jpg"])
    try:
        _upload(output["uploads"][0]["uploadUrl"], b"sdl probe")
        yield output["phenomId"]
    finally:
        delete_phenom_as(action_url, user_a, output["phenomId"])


def _create_phenom(action_url, user) -> requests.Response:
    arguments = {"input": {"lat": -33.9, "lng": 151.2, "filenames": ["a.jpg", "b.mp4"], "media_type": "video"}}
    reply = call_action_as(action_url, user, "createPhenom", arguments)
    if reply.ok:
        delete_phenom_as(action_url, user, reply.json()["phenomId"])
    return reply


def _get_phenoms(action_url, user) -> requests.Response:
    return call_action_as(action_url, user, "getPhenoms", {"limit": 100})


def _delete_phenom(action_url, user) -> requests.Response:
    output = create_phenom_as(action_url, user, ["doomed.jpg"])
    try:
        _upload(output["uploads"][0]["uploadUrl"], b"doomed")
        return call_action_as(action_url, user, "deletePhenom", {"phenomId": output["phenomId"]})
    finally:
        # A no-op 404 once the call under test has deleted it; removes the phenom when that call failed.
        delete_phenom_as(action_url, user, output["phenomId"])


# One successful call per action in the SDL; an action added to the SDL without one here fails below.
SAMPLE_CALLS: dict[str, Callable[[str, Any], requests.Response]] = {
    "createPhenom": _create_phenom,
    "getPhenoms": _get_phenoms,
    "deletePhenom": _delete_phenom,
}


@pytest.mark.parametrize("action", ACTION_FIELDS)
def test_action_reply_matches_sdl_output_type(action, action_url, user_a, listed_phenom):
    # GIVEN a Hasura-shaped call of the action with the owner's genuine token
    assert action in SAMPLE_CALLS, f"{action} is in actions.graphql but SAMPLE_CALLS has no call for it"
    # WHEN the handler answers
    reply = SAMPLE_CALLS[action](action_url, user_a)
    assert reply.status_code == 200, f"{action}: HTTP {reply.status_code} {reply.text[:300]}"
    assert reply.json(), f"{action}: empty reply, so the nested types went unchecked"
    # THEN the body matches the output type, nullability included, all the way down
    output_type = ACTION_FIELDS[action].type
    violations = type_violations(reply.json(), output_type)
    assert not violations, f"{action} reply does not match {output_type}:\n" + "\n".join(violations)


def test_get_phenoms_without_limit_matches_sdl_output_type(action_url, user_a, listed_phenom):
    # Hasura leaves an omitted nullable argument out of `input`; the default limit must still give the SDL type.
    reply = call_action_as(action_url, user_a, "getPhenoms", {})
    assert reply.status_code == 200, f"getPhenoms without limit: HTTP {reply.status_code}"
    violations = type_violations(reply.json(), ACTION_FIELDS["getPhenoms"].type)
    assert not violations, "getPhenoms reply does not match the SDL:\n" + "\n".join(violations)


def test_type_checker_catches_a_nested_null():
    # The checker itself: a non-null field null two levels down must be reported, or the tests above prove nothing.
    media = {"filename": "a", "sort_order": 0, "key": "k", "upload_state": "pending", "signed_uri": None}
    phenom = {
        "id": str(uuid.uuid4()),
        "lat": 1.0,
        "lng": 2.0,
        "media_type": "image",
        "created_at": "2025-01-01T00:00:00+00:00",
        "signed_uri": None,
        "media": [media],
        "cursor": None,
    }
    reply = [phenom]
    expected = ["$[0].media[0].signed_uri: null, but the type is String!"]
    assert type_violations(reply, ACTION_FIELDS["getPhenoms"].type) == expected
