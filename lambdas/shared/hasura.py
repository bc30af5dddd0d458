"""A tiny Hasura admin GraphQL client over urllib."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lambdas.shared.app_secrets import read_app_secrets
from lambdas.shared.aws import ClientSettings

DEFAULT_TIMEOUT_SECONDS = 10.0


class HasuraCallError(Exception):
    """A call to Hasura failed; `code` is Hasura's errors[].extensions.code or a transport code (`timeout` when no
    answer came within `waited_seconds`)."""

    def __init__(self, code: str, message: str, waited_seconds: float | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.waited_seconds = waited_seconds


class HasuraGraphQLError(HasuraCallError):
    """Hasura answered with an `errors` array (first error's code and message kept)."""


class HasuraTransportError(HasuraCallError):
    """Hasura could not be reached or did not answer with GraphQL JSON; check HASURA_GRAPHQL_URL and the network."""


@dataclass(frozen=True)
class HasuraAdminClient:
    """Sends GraphQL documents to Hasura with the admin secret."""

    url: str
    admin_secret: str = field(repr=False)
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    def execute(
        self, document: str, variables: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> dict[str, Any]:
        """The `data` of the response; raises HasuraGraphQLError or HasuraTransportError."""
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"query": document, "variables": dict(variables or {})}).encode(),
            headers={"content-type": "application/json", "x-hasura-admin-secret": self.admin_secret},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout_seconds) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            with error:
                body = error.read()
            return _data_of(body, f"HTTP {error.code}")
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            waited = timeout or self.timeout_seconds
            if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
                raise HasuraTransportError(
                    "timeout", f"no answer from {self.url} within {waited:.1f} s: timed out", waited
                ) from None
            raise HasuraTransportError("unreachable", f"no answer from {self.url}: {error}") from None
        return _data_of(body, "HTTP 200")


def admin_client(
    app_secrets_id: str,
    graphql_url: str,
    secrets_settings: ClientSettings = ClientSettings(),
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
) -> HasuraAdminClient:
    """A client for `graphql_url` holding the admin secret of the app secret `app_secrets_id` (cached per container)."""
    secrets = read_app_secrets(app_secrets_id, secrets_settings)
    return HasuraAdminClient(graphql_url, secrets.graphql_admin_secret, timeout_seconds)


def _data_of(body: bytes, status: str) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except ValueError:
        raise HasuraTransportError("not-json", f"Hasura answered {status} with a body that is not JSON") from None
    if not isinstance(answer, dict):
        raise HasuraTransportError("not-graphql", f"Hasura answered {status} with JSON that is not an object")
    errors = answer.get("errors")
    if errors:
        first = errors[0] if isinstance(errors, list) and isinstance(errors[0], dict) else {}
        extensions = first.get("extensions") if isinstance(first.get("extensions"), dict) else {}
        raise HasuraGraphQLError(str(extensions.get("code", "unknown")), str(first.get("message", "no message")))
    data = answer.get("data")
    if not isinstance(data, dict):
        raise HasuraTransportError("not-graphql", f"Hasura answered {status} without data or errors")
    return data
