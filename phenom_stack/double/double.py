"""`HasuraDouble`: the engine double on a loopback port, in a background thread of the process that runs it.

The stack and the double's tests run it in a process of its own (`python -m phenom_stack.double`, started by
phenom_stack.double_process), so its request handling never competes with theirs for one interpreter lock.
"""

from __future__ import annotations

import threading

from phenom_stack.double.engine import DoubleEngine
from phenom_stack.double.server import EngineServer

LOOPBACK = "127.0.0.1"
# How often the serving thread checks for stop(); small so stopping takes milliseconds.
POLL_INTERVAL_SECONDS = 0.05


class HasuraDoubleError(Exception):
    """The engine double was used in the wrong state; the message says what to call first."""


class HasuraDouble:
    """A Hasura v2.48 CE look-alike driven by the project's metadata and the migrated database.

    `database_url` plays HASURA_GRAPHQL_DATABASE_URL (the `default` source until metadata names one),
    `jwt_secret_config` is the HASURA_GRAPHQL_JWT_SECRET JSON as a dict, and `env` is the engine's
    environment for `{{VAR}}` handler templates, header `value_from_env` and `from_env` database URLs.
    """

    def __init__(
        self,
        database_url: str,
        admin_secret: str,
        jwt_secret_config: dict,
        env: dict[str, str] | None = None,
        port: int = 0,
    ) -> None:
        self._engine = DoubleEngine(database_url, admin_secret, jwt_secret_config, env or {})
        self._port = port
        self._server: EngineServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"HasuraDouble(url={self.url if self._server else None!r})"

    @property
    def port(self) -> int:
        """The port it listens on (the one asked for, or the one picked for port 0)."""
        if self._server is None:
            raise HasuraDoubleError("the engine double is not running: call start() first")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:50123 (append /v1/graphql, /v1/metadata, /v2/query)."""
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> str:
        """Listen on loopback and serve in a daemon thread; return the base URL."""
        if self._server is None:
            self._server = EngineServer((LOOPBACK, self._port), self._engine)
            self._thread = threading.Thread(
                target=self._server.serve_forever, args=(POLL_INTERVAL_SECONDS,), name="hasura-double", daemon=True
            )
            self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving and close the database connections."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None
        self._engine.close()

    def __enter__(self) -> HasuraDouble:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
