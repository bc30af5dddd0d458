"""Hasura-shaped errors: one exception type carrying Hasura's code, message, JSON path and HTTP status."""

from __future__ import annotations

import psycopg

VALIDATION_FAILED = "validation-failed"
UNEXPECTED = "unexpected"

# Postgres SQLSTATE -> (Hasura code, message prefix), as Hasura's Postgres transaction error handler maps them.
_CONSTRAINT_ERRORS = {
    "23505": ("constraint-violation", "Uniqueness violation. "),
    "23503": ("constraint-violation", "Foreign key violation. "),
    "23502": ("constraint-violation", "Not-NULL violation. "),
    "23P01": ("constraint-violation", "Exclusion violation. "),
    "23001": ("constraint-violation", "Can not delete or update due to data being referred. "),
    "23514": ("permission-error", "Check constraint violation. "),
}


class HasuraError(Exception):
    """An error the engine answers with, in Hasura's shape; `status` is used outside /v1/graphql."""

    def __init__(
        self, code: str, message: str, path: str = "$", status: int = 400, internal=None, extensions: dict | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path
        self.status = status
        self.internal = internal
        self.extensions = extensions
        # Whether the /v1/graphql answer carries `"data": null` beside the error (a refused action mutation).
        self.data_null = False

    def graphql_error(self, include_internal: bool = False) -> dict:
        """The entry of a GraphQL `errors` list (extensions verbatim when an action handler supplied them)."""
        if self.extensions is not None:
            return {"message": self.message, "extensions": self.extensions}
        extensions = {"path": self.path, "code": self.code}
        if include_internal and self.internal is not None:
            extensions["internal"] = self.internal
        return {"message": self.message, "extensions": extensions}

    def api_error(self) -> dict:
        """The body of a /v1/metadata or /v2/query error response."""
        body = {"path": self.path, "error": self.message, "code": self.code}
        if self.internal is not None:
            body["internal"] = self.internal
        return body


def not_served(feature: str, path: str = "$") -> HasuraError:
    """A refusal of what the schema has, as Hasura's does, but the double does not serve (see its docstring)."""
    return HasuraError("not-supported", f"the engine double does not serve {feature}; real Hasura does", path)


def validation_failed(message: str, path: str = "$") -> HasuraError:
    """The `validation-failed` error Hasura answers for documents its schema does not accept."""
    return HasuraError(VALIDATION_FAILED, message, path)


def from_postgres(error: psycopg.Error, path: str = "$", statement: str | None = None) -> HasuraError:
    """Map a Postgres error like Hasura's transaction error handler does."""
    diag = error.diag
    sqlstate = diag.sqlstate or ""
    primary = diag.message_primary or str(error)
    internal = {
        "arguments": [],
        "error": {
            "description": diag.message_detail,
            "exec_status": "FatalError",
            "hint": diag.message_hint,
            "message": primary,
            "status_code": sqlstate,
        },
        "prepared": False,
        "statement": statement,
    }
    if sqlstate in _CONSTRAINT_ERRORS:
        code, prefix = _CONSTRAINT_ERRORS[sqlstate]
        return HasuraError(code, prefix + primary, path, internal=internal)
    if sqlstate.startswith("22"):
        return HasuraError("data-exception", primary, path, internal=internal)
    return HasuraError("unexpected", "database query error", path, status=500, internal=internal)
