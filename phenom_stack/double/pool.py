"""A small thread-safe pool of psycopg connections, so requests skip connection set-up."""

from __future__ import annotations

import select
import threading
from contextlib import contextmanager

import psycopg

from phenom_stack.double.errors import HasuraError

# Hasura's default pool size per source.
DEFAULT_MAX_CONNECTIONS = 50
ACQUIRE_TIMEOUT_SECONDS = 30
# Hasura's connections answer timestamptz in UTC whatever the server's TimeZone setting is.
SESSION_OPTIONS = "-c TimeZone=UTC"


def _connect(url: str) -> psycopg.Connection:
    try:
        # No server-side prepared statements, as the metadata's use_prepared_statements: false asks.
        return psycopg.connect(url, autocommit=True, options=SESSION_OPTIONS, prepare_threshold=None)
    except psycopg.OperationalError as error:
        # Hasura answers a database it cannot connect to as any unexpected transaction error.
        raise HasuraError(
            "unexpected",
            "database query error",
            status=500,
            internal={"error": "connection error", "cause": str(error)},
        ) from None


def _dropped_by_server(connection: psycopg.Connection) -> bool:
    """Whether an idle connection's socket has something to read: the server's goodbye or its closed end."""
    if connection.closed or connection.broken:
        return True
    readable, _, _ = select.select([connection.fileno()], [], [], 0)
    return bool(readable)


class PoolExhausted(Exception):
    """Every connection stayed busy for the whole wait; raise max_connections or lower the load."""


class ConnectionPool:
    """Connections to one database URL, created on demand and reused (at most `max_connections`)."""

    def __init__(self, url: str, max_connections: int = DEFAULT_MAX_CONNECTIONS) -> None:
        self._url = url
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_connections)
        self._closed = False

    @contextmanager
    def connection(self):
        """An autocommit connection (use `connection.transaction()` for more than one statement)."""
        if not self._slots.acquire(timeout=ACQUIRE_TIMEOUT_SECONDS):
            raise PoolExhausted(f"no database connection was free within {ACQUIRE_TIMEOUT_SECONDS}s")
        connection = None
        try:
            with self._lock:
                connection = self._idle.pop() if self._idle else None
            if connection is not None and _dropped_by_server(connection):
                # Postgres restarted (or ended the backend) while this connection sat idle: a new one takes the
                # query instead of it failing as `database query error`.
                connection.close()
                connection = None
            if connection is None:
                connection = _connect(self._url)
            yield connection
        finally:
            if connection is not None:
                self._release(connection)
            self._slots.release()

    def _release(self, connection: psycopg.Connection) -> None:
        if not connection.closed and connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            try:
                connection.rollback()
            except psycopg.Error:
                connection.close()
        if connection.closed or connection.broken:
            return
        with self._lock:
            if self._closed:
                connection.close()
            else:
                self._idle.append(connection)

    def close(self) -> None:
        """Close the idle connections; connections in use close when they come back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
