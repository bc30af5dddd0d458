"""GraphQL calls over HTTP with gql, turning every failure into a one-line GraphQLRequestFailed."""

from __future__ import annotations

from typing import Any

import requests
from gql import Client, GraphQLRequest
from gql.transport.exceptions import (
    TransportConnectionFailed,
    TransportProtocolError,
    TransportQueryError,
    TransportServerError,
)
from gql.transport.requests import RequestsHTTPTransport

from phenom_client.errors import GraphQLRequestFailed
from phenom_client.reachability import requests_never_answered
from phenom_client.redaction import redact
from phenom_client.retry import TRANSIENT_STATUSES
from phenom_client.timeouts import Timeouts
from phenom_client.tracing import HEADER, traceparent


class GraphQLEndpoint:
    """One GraphQL URL and one kept-alive HTTP session to it; each call carries its own bearer token."""

    def __init__(self, url: str, timeouts: Timeouts) -> None:
        self.url = url
        self._timeouts = timeouts
        # retries=0: the caller's retry policy decides what is retried, so every attempt is counted and reported.
        # No timeout here: each execute passes the (connect, read) pair, which replaces the transport's.
        self._client = Client(transport=RequestsHTTPTransport(url=url, retries=0))
        self._session: Any = None

    def __repr__(self) -> str:
        return f"GraphQLEndpoint({self.url!r})"

    def execute(
        self, operation: str, document: GraphQLRequest, variables: dict[str, Any], *, token: str
    ) -> dict[str, Any]:
        """The `data` of `document` run with `variables` as the bearer of `token`."""
        if self._session is None:
            self._session = self._client.connect_sync()
        request = GraphQLRequest(document, variable_values=variables)
        try:
            return self._session.execute(
                request,
                extra_args={
                    "headers": {"Authorization": f"Bearer {token}", HEADER: traceparent()},
                    "timeout": self._timeouts.requests,
                },
            )
        except TransportQueryError as error:
            first = (error.errors or [{}])[0]
            code = (first.get("extensions") or {}).get("code")
            raise GraphQLRequestFailed(
                redact(f"{operation} answered {code or 'an error'}: {first.get('message', error)}"), code=code
            ) from None
        except TransportServerError as error:
            raise GraphQLRequestFailed(
                f"{operation} got HTTP {error.code} from {self.url}",
                code=str(error.code),
                transient=error.code in TRANSIENT_STATUSES,
            ) from None
        except TransportConnectionFailed as error:
            cause = error.__cause__
            transient = isinstance(cause, (requests.ConnectionError, requests.Timeout))
            raise GraphQLRequestFailed(
                redact(f"{operation} got no answer from {self.url}: {type(cause).__name__}: {cause}"),
                transient=transient,
                unreached=requests_never_answered(cause),
            ) from None
        except TransportProtocolError as error:
            raise GraphQLRequestFailed(
                redact(f"{operation} got something other than GraphQL from {self.url}: {error}")
            ) from None

    def close(self) -> None:
        """Close the HTTP session (a later call opens a new one)."""
        if self._session is not None:
            self._client.close_sync()
            self._session = None
