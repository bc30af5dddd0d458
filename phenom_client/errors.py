"""The client's exceptions: one line each, saying what failed and how to fix it, never a token or password."""

from __future__ import annotations


class PhenomClientError(Exception):
    """Base of every error the Phenom client raises. `unreached`: the runner never got a byte back (DNS, a refused
    or timed-out connection, no AWS credentials), which says nothing about the service itself."""

    def __init__(self, message: str, *, transient: bool = False, unreached: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        self.unreached = unreached
        self.attempts = 1

    def __str__(self) -> str:
        message = super().__str__()
        return message if self.attempts == 1 else f"{message} (gave up after {self.attempts} attempts)"


class ConfigurationError(PhenomClientError):
    """phenom_client/environments.toml or the selected environment is missing something or holds a bad value."""


class CredentialsUnavailable(PhenomClientError):
    """Neither PHENOM_SMOKE_PASSWORD nor the smoke-credentials secret gave a password."""


class SignInFailed(PhenomClientError):
    """Cognito refused the sign-in or the token refresh, or could not be reached."""


class GraphQLRequestFailed(PhenomClientError):
    """The GraphQL endpoint answered with errors, a bad status, or not at all."""

    def __init__(
        self, message: str, *, code: str | None = None, transient: bool = False, unreached: bool = False
    ) -> None:
        super().__init__(message, transient=transient, unreached=unreached)
        self.code = code


class TransferFailed(PhenomClientError):
    """An upload to or download from a presigned S3 URL failed."""

    def __init__(
        self, message: str, *, status: int | None = None, transient: bool = False, unreached: bool = False
    ) -> None:
        super().__init__(message, transient=transient, unreached=unreached)
        self.status = status
