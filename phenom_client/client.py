"""PhenomClient: the API as the mobile app uses it, for the smoke suite, the canary, Locust and the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import requests
from gql import gql
from graphql import GraphQLSchema

from phenom_client.api_schema import INTROSPECTION_QUERY, schema_from_introspection
from phenom_client.auth import CognitoSession, cognito_client
from phenom_client.credentials import SmokeCredentials
from phenom_client.documents import document_source
from phenom_client.environments import EnvConfig
from phenom_client.errors import GraphQLRequestFailed
from phenom_client.graphql import GraphQLEndpoint
from phenom_client.models import (
    CreatedPhenom,
    DeletedPhenom,
    Phenom,
    PresignedUpload,
    created_phenom,
    deleted_phenom,
    listed_phenoms,
)
from phenom_client.redaction import protect_logs
from phenom_client.retry import NO_RETRY, Attempt, AttemptObserver, RetryPolicy, call_with_retries
from phenom_client.timeouts import Timeouts
from phenom_client.transfer import ObjectTransfer

DEFAULT_TIMEOUTS = Timeouts()
DEFAULT_RETRY = RetryPolicy()
CREATE_PHENOM = gql(document_source("createPhenom"))
GET_PHENOMS = gql(document_source("getPhenoms"))
DELETE_PHENOM = gql(document_source("deletePhenom"))
INTROSPECTION = gql(INTROSPECTION_QUERY)


def _ignore(_: Attempt) -> None:
    return None


class PhenomClient:
    """Signs the smoke user in to Cognito and calls createPhenom, getPhenoms and deletePhenom, and PUTs and GETs media.

    Every try of every call is passed to `on_attempt` (settable, e.g. to attach attempts to the step running them),
    and every request carries a W3C `traceparent` (phenom_client.tracing: the running step's trace id).

    Retried on transient errors (connection errors, 502/503/504, Cognito throttling), within `retry`:
    - sign-in and token refresh: a new session on each try, nothing is written;
    - getPhenoms and GET download: reads;
    - PUT upload: the presigned URL names one key, so a repeat writes the same bytes to the same object;
    - deletePhenom: the end state is the same however often it runs; a retry that finds the phenom already gone
      (not-found after an earlier try went unanswered) counts as deleted.
    Never retried: createPhenom, because a try whose answer was lost may still have created a row, and a second
    try would create another.
    """

    def __init__(
        self,
        env: EnvConfig,
        credentials: SmokeCredentials,
        *,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retry: RetryPolicy = DEFAULT_RETRY,
        on_attempt: AttemptObserver = _ignore,
        cognito: Any = None,
        http: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        protect_logs()
        self.env = env
        self.on_attempt = on_attempt
        self._retry = retry
        self._sleep = sleep
        self._clock = clock
        self._auth = CognitoSession(
            env,
            credentials,
            cognito=cognito or cognito_client(env, timeouts),
            retry=retry,
            observe=self._observe,
            clock=clock,
            sleep=sleep,
        )
        self._graphql = GraphQLEndpoint(env.graphql_url, timeouts)
        self._transfer = ObjectTransfer(timeouts, http)

    def __repr__(self) -> str:
        return f"PhenomClient(env={self.env.name!r}, graphql_url={self.env.graphql_url!r}, auth={self._auth!r})"

    def __enter__(self) -> PhenomClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def sign_in(self) -> None:
        """Sign the smoke user in; later calls refresh the ID token by themselves."""
        self._auth.sign_in()

    def create_phenom(
        self, filenames: Sequence[str], *, lat: float = 0.0, lng: float = 0.0, media_type: str = "image"
    ) -> CreatedPhenom:
        """A new phenom owned by the smoke user, with one presigned PUT per file (never retried)."""
        variables = {"input": {"lat": lat, "lng": lng, "filenames": list(filenames), "media_type": media_type}}
        return created_phenom(self._call("createPhenom", CREATE_PHENOM, variables, NO_RETRY))

    def get_phenoms(self, *, limit: int = 20) -> tuple[Phenom, ...]:
        """The smoke user's newest `limit` phenoms (1 to 100)."""
        return listed_phenoms(self._call("getPhenoms", GET_PHENOMS, {"limit": limit}, self._retry))

    def api_schema(self) -> GraphQLSchema:
        """The GraphQL schema the engine shows the smoke user: introspection with the user's own token."""
        return schema_from_introspection(self._call("introspection", INTROSPECTION, {}, self._retry))

    def delete_phenom(self, phenom_id: str) -> DeletedPhenom:
        """Delete one of the smoke user's phenoms, its rows and its objects."""
        tries = 0

        def attempt() -> DeletedPhenom:
            nonlocal tries
            tries += 1
            try:
                data = self._graphql.execute(
                    "deletePhenom", DELETE_PHENOM, {"phenomId": phenom_id}, token=self._auth.id_token()
                )
            except GraphQLRequestFailed as error:
                if error.code == "not-found" and tries > 1:
                    return DeletedPhenom(phenom_id, 0, already_deleted=True)
                raise
            return deleted_phenom(data)

        return call_with_retries(
            "deletePhenom", attempt, self._retry, self._observe, sleep=self._sleep, clock=self._clock
        )

    def upload(self, upload: PresignedUpload, data: bytes) -> None:
        """PUT `data` to the upload's presigned URL."""
        call_with_retries(
            "PUT upload",
            lambda: self._transfer.put(upload.upload_url, data),
            self._retry,
            self._observe,
            sleep=self._sleep,
            clock=self._clock,
        )

    def download(self, signed_uri: str) -> bytes:
        """GET the bytes behind a presigned URL."""
        return call_with_retries(
            "GET download",
            lambda: self._transfer.get(signed_uri),
            self._retry,
            self._observe,
            sleep=self._sleep,
            clock=self._clock,
        )

    def close(self) -> None:
        """Close the HTTP sessions."""
        self._graphql.close()
        self._transfer.close()

    def _observe(self, attempt: Attempt) -> None:
        self.on_attempt(attempt)

    def _call(self, operation: str, document: Any, variables: dict[str, Any], policy: RetryPolicy) -> dict[str, Any]:
        return call_with_retries(
            operation,
            lambda: self._graphql.execute(operation, document, variables, token=self._auth.id_token()),
            policy,
            self._observe,
            sleep=self._sleep,
            clock=self._clock,
        )
