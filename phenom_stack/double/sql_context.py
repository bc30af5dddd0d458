"""State shared while compiling one root field to SQL: parameters, table aliases, session and role."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from phenom_stack.double.collect import Walk
from phenom_stack.double.errors import HasuraError
from phenom_stack.double.model import TrackedTable
from phenom_stack.double.schema import RoleSchema

SESSION_PREFIX = "x-hasura-"
# A GraphQL value for a json/jsonb column is the JSON document itself (a string value is a JSON string).
JSON_TYPES = ("json", "jsonb")


def as_text(value):
    """A GraphQL/JSON value as the text Postgres parses for any type (lists stay lists of text)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value)


def is_session_variable(value) -> bool:
    """Whether a permission value names a session variable (`X-Hasura-User-Id`, any case)."""
    return isinstance(value, str) and value.lower().startswith(SESSION_PREFIX)


@dataclass
class SqlContext:
    """Parameters collected while compiling, plus what the compiler needs to know about the request."""

    role_schema: RoleSchema
    tables: dict[tuple[str, str], TrackedTable]
    walk: Walk
    session: dict[str, str]
    params: dict = field(default_factory=dict)
    aliases: int = 0

    def alias(self) -> str:
        """A fresh table alias."""
        self.aliases += 1
        return f"_t{self.aliases}"

    def param(self, value, sql_type: str) -> str:
        """A named placeholder cast to `sql_type` for `value`, sent as text like Hasura sends its parameters.

        Named placeholders let fragments be compiled in any order and concatenated in another.
        """
        if value is not None and sql_type in JSON_TYPES or isinstance(value, list) and not sql_type.endswith("[]"):
            value = json.dumps(value)
        elif isinstance(value, list):
            value = [as_text(item) for item in value]
        else:
            value = as_text(value)
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s::{sql_type}"

    def session_value(self, name: str) -> str:
        """The session variable's value, or Hasura's error when the request has none."""
        key = name.lower()
        if key not in self.session:
            raise HasuraError("not-found", f'missing session variable: "{key}"')
        return self.session[key]

    def permission_value(self, value):
        """A permission filter value with session variables substituted."""
        return self.session_value(value) if is_session_variable(value) else value
