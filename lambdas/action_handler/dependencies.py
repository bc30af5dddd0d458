"""Failures of the services an action depends on, as `dependency-unavailable` refusals that name the service.

The message says which service failed and how (no answer within how long, unreachable, failing), never an address,
a statement or a stack trace: those stay in the log line the handler writes with the request id.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from lambdas.action_handler.auth import JwksUnavailable
from lambdas.action_handler.errors import DependencyUnavailable
from lambdas.shared.aws import ClientSettings
from lambdas.shared.hasura import HasuraGraphQLError, HasuraTransportError

# What Hasura answers when its database refused or dropped a query for reasons of its own (not the query's fault).
DATABASE_FAILURES = frozenset({"database query error", "connection error"})


class ServiceUnavailable(Exception):
    """An AWS service (S3, Secrets Manager) did not answer; `service` names it, `waited_seconds` says how long."""

    def __init__(self, service: str, waited_seconds: float, cause: str) -> None:
        super().__init__(f"{service} did not answer within {waited_seconds:g} s: {cause}")
        self.service = service
        self.waited_seconds = waited_seconds


@contextmanager
def aws_answering(service: str, settings: ClientSettings) -> Iterator[None]:
    """Calls to service inside the block that get no answer (refused, timed out, dropped) raise ServiceUnavailable."""
    # A refused connection and a connect timeout are botocore ConnectionErrors, not HTTPClientErrors.
    from botocore.exceptions import ConnectionError, HTTPClientError

    try:
        yield
    except (ConnectionError, HTTPClientError) as error:
        raise ServiceUnavailable(service, settings.read_timeout * settings.max_attempts, type(error).__name__) from None


def dependency_failure(error: BaseException) -> DependencyUnavailable | None:
    """The refusal naming the dependency behind error, or None when error is not a dependency's failure."""
    if isinstance(error, HasuraTransportError):
        if error.code == "timeout":
            return DependencyUnavailable(
                f"the GraphQL engine (or the database behind it) did not answer within {error.waited_seconds:.0f} s"
            )
        if error.code == "unreachable":
            return DependencyUnavailable("the GraphQL engine could not be reached")
        return DependencyUnavailable("the GraphQL engine answered with something other than GraphQL")
    if isinstance(error, HasuraGraphQLError) and (error.code == "postgres-error" or error.message in DATABASE_FAILURES):
        return DependencyUnavailable("the database did not answer the GraphQL engine's query")
    if isinstance(error, ServiceUnavailable):
        return DependencyUnavailable(f"{error.service} did not answer within {error.waited_seconds:g} s")
    if isinstance(error, JwksUnavailable):
        return DependencyUnavailable("the user pool's signing keys (Cognito's JWKS) could not be fetched")
    return None
