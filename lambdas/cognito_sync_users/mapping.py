"""Cognito attributes -> a users row, and the upsert document for the columns that row fills."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

_GRAPHQL_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")


class UnconvertibleValue(ValueError):
    """An attribute's value does not fit its column's type; user_row skips the attribute, naming it in `skipped`."""


def _boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise UnconvertibleValue
    return lowered == "true"


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise UnconvertibleValue from None


CONVERTERS: Mapping[str, Callable[[str], Any]] = {"Boolean": _boolean, "String": str, "uuid": _uuid}


def column_for(attribute: str) -> str:
    """The column an attribute maps to: sub -> id; otherwise the name with `:` as `_` (custom:foo -> custom_foo)."""
    return "id" if attribute == "sub" else attribute.replace(":", "_")


def user_row(attributes: Mapping[str, str], columns: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The row for the attributes that have a column of a convertible type, and the names of those skipped."""
    row: dict[str, Any] = {}
    skipped: list[str] = []
    for attribute, value in attributes.items():
        converter = CONVERTERS.get(columns.get(column_for(attribute)))
        if converter is None or not isinstance(value, str):
            skipped.append(attribute)
            continue
        try:
            row[column_for(attribute)] = converter(value)
        except UnconvertibleValue:
            skipped.append(attribute)
    return row, skipped


def build_upsert_document(columns: Sequence[str]) -> str:
    """The mutation that inserts a user or updates `columns` (except id) of the existing row."""
    invalid = [column for column in columns if not _GRAPHQL_NAME.match(column)]
    if invalid:
        raise ValueError(f"not GraphQL names: {invalid}")
    update_columns = ", ".join(column for column in columns if column != "id")
    return (
        "mutation UpsertUser($user: users_insert_input!) {\n"
        f"  insert_users_one(object: $user, on_conflict: {{constraint: users_pkey, update_columns: [{update_columns}]}}) {{\n"
        "    id\n"
        "  }\n"
        "}\n"
    )
