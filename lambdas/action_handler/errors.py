"""Refusals the handler answers as Hasura action errors: 4xx `{message, extensions: {code}}`."""

from __future__ import annotations


class ActionError(Exception):
    """A refusal shown to the GraphQL client verbatim; subclasses fix the status and code."""

    status = 400
    code = "bad-request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(ActionError):
    """The body is not a Hasura action request: send JSON with action.name and input."""


class InvalidJwt(ActionError):
    """The forwarded Authorization header does not hold a valid Cognito ID token of this app."""

    status = 401
    code = "invalid-jwt"


class ValidationFailed(ActionError):
    """An input field is out of range or of the wrong type; the message names the field."""

    code = "validation-failed"


class NotFound(ActionError):
    """The phenom does not exist or is not the caller's (one message for both, so ids cannot be probed)."""

    status = 404
    code = "not-found"


class DependencyUnavailable(ActionError):
    """A service the action needs did not answer or failed; the message names it (never its address or internals),
    and the same call may succeed once it is back."""

    code = "dependency-unavailable"


class NotSupported(ActionError):
    """The action name is not one this handler serves."""

    code = "not-supported"
