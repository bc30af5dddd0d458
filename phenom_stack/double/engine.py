"""The engine behind the HTTP server: current state, authentication and the three APIs."""

from __future__ import annotations

import json
import logging
import threading

from phenom_stack.double.allowlist import allowlist_enabled, check_allowed
from phenom_stack.double.auth import Authenticator, Session
from phenom_stack.double.catalog import Catalog, read_catalog
from phenom_stack.double.encoding import compact
from phenom_stack.double.errors import HasuraError
from phenom_stack.double.execute import Execution
from phenom_stack.double.pool import ConnectionPool
from phenom_stack.double.request import prepare
from phenom_stack.double.state import EMPTY_METADATA, EngineState, build_state, source_url

LOGGER = logging.getLogger("phenom_stack.double")


class DoubleEngine:
    """Holds the schema cache and answers /v1/graphql, /v1/metadata and /v2/query requests."""

    def __init__(self, database_url: str, admin_secret: str, jwt_secret_config: dict, env: dict[str, str]) -> None:
        self.database_url = database_url
        self.env = dict(env)
        self.authenticator = Authenticator(admin_secret, jwt_secret_config)
        self.state = EngineState(EMPTY_METADATA, database_url)
        self.resource_version = 1
        self.metadata_lock = threading.Lock()
        self._pools: dict[str, ConnectionPool] = {}
        self._pools_lock = threading.Lock()

    def pool(self, url: str | None = None) -> ConnectionPool:
        """The connection pool for `url` (the engine's database by default)."""
        url = url or self.database_url
        with self._pools_lock:
            if url not in self._pools:
                self._pools[url] = ConnectionPool(url)
            return self._pools[url]

    def close(self) -> None:
        """Close every pooled connection."""
        with self._pools_lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()

    def read_catalog(self, url: str | None) -> Catalog:
        """The catalog of the database at `url` (empty when there is no source)."""
        if url is None:
            return {}
        with self.pool(url).connection() as connection, connection.transaction():
            return read_catalog(connection)

    def build(self, metadata: dict, catalog: Catalog | None = None) -> EngineState:
        """A new state for `metadata` (catalog read from its source unless given)."""
        url, problems = source_url(metadata, self.env, self.database_url)
        return build_state(metadata, url, self.read_catalog(url) if catalog is None else catalog, self.env, problems)

    def authenticate(self, headers: list[tuple[str, str]]) -> Session:
        """The session of a request, from its headers as received (HTTP header names are case-insensitive)."""
        return self.authenticator.authenticate({name.lower(): value for name, value in headers})

    def graphql(
        self, headers: list[tuple[str, str]], body: bytes, legacy_status: bool = False
    ) -> tuple[int, str, list[str]]:
        """(HTTP status, response JSON, Set-Cookie values) for a /v1/graphql request; errors are answered as data.

        A JSON array is a batch: each request runs on its own and the answers come back as an array.
        `legacy_status` is /v1alpha1/graphql's rule: a request refused before execution answers 400.
        """
        try:
            request = json.loads(body or b"null")
        # JSON nested deeper than the interpreter's recursion limit cannot be decoded either.
        except (ValueError, RecursionError):
            error = HasuraError("invalid-json", "Error in $: Failed reading: not a valid json value")
            return (400 if legacy_status else 200), compact({"errors": [error.graphql_error()]}), []
        if isinstance(request, list):
            answers = [self._one_request(headers, item) for item in request]
            text = "[" + ",".join(text for text, _, _ in answers) + "]"
            return 200, text, [c for _, cookies, _ in answers for c in cookies]
        text, cookies, refused = self._one_request(headers, request)
        return (400 if legacy_status and refused else 200), text, cookies

    def _one_request(self, headers: list[tuple[str, str]], request) -> tuple[str, list[str], bool]:
        session = None
        try:
            session = self.authenticate(headers)
            state = self.state
            if (
                allowlist_enabled(self.env)
                and not session.is_admin
                and isinstance(request, dict)
                and isinstance(request.get("query"), str)
            ):
                check_allowed(state.metadata, session.role, request["query"])
            role_schema = state.schemas.get(session.role)
            operation = prepare(request, role_schema)
            execution = Execution(
                state,
                self.pool(state.source_url),
                role_schema,
                session,
                operation,
                request.get("variables") or {},
                headers,
            )
            return execution.run(), execution.actions.set_cookies, False
        except HasuraError as error:
            include_internal = session is not None and session.is_admin
            answer = {"data": None} if error.data_null else {}
            answer["errors"] = [error.graphql_error(include_internal)]
            return compact(answer), [], True
        except Exception as error:  # noqa: BLE001 - a bug in the double must still answer, and be logged
            LOGGER.exception("engine double failed on a GraphQL request")
            failure = HasuraError("unexpected", f"internal error in the engine double: {type(error).__name__}")
            return compact({"errors": [failure.graphql_error()]}), [], True

    def admin_session(self, headers: list[tuple[str, str]]) -> Session:
        """The session of a metadata/query API request, which must be the admin's."""
        session = self.authenticate(headers)
        if not session.is_admin:
            raise HasuraError("access-denied", "restricted access : admin only")
        return session
