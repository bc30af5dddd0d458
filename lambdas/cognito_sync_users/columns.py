"""The users columns, discovered by introspecting Hasura's users_insert_input."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from lambdas.shared.documents import load_document

USERS_INSERT_INPUT = load_document(__file__, "users_insert_input")


class IntrospectionError(Exception):
    """Hasura's schema has no users_insert_input: track the users table and give admin access."""


def scalar_columns(introspection: Mapping[str, Any]) -> Mapping[str, str]:
    """Column name -> GraphQL scalar name, from the answer to USERS_INSERT_INPUT (relationships left out)."""
    described = introspection.get("__type")
    if not isinstance(described, Mapping) or not isinstance(described.get("inputFields"), list):
        raise IntrospectionError("users_insert_input is not in the GraphQL schema: track public.users in Hasura")
    columns = {}
    for field in described["inputFields"]:
        scalar = _scalar_name(field.get("type"))
        if scalar is not None:
            columns[field["name"]] = scalar
    return MappingProxyType(columns)


def _scalar_name(type_ref: Any) -> str | None:
    """The scalar under any NON_NULL wrapper; None for lists and input objects."""
    while isinstance(type_ref, Mapping) and type_ref.get("kind") == "NON_NULL":
        type_ref = type_ref.get("ofType")
    if isinstance(type_ref, Mapping) and type_ref.get("kind") == "SCALAR":
        return type_ref.get("name")
    return None
