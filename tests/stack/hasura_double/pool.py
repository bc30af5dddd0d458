"""A small thread-safe pool of psycopg connections, so requests skip connection set-up."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import psycopg

DEFAULT_MAX_CONNECTIONS = 20
ACQUIRE_TIMEOUT_SECONDS = 30


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
        """A connection outside any transaction; returned to the pool afterwards."""
        if not self._slots.acquire(timeout=ACQUIRE_TIMEOUT_SECONDS):
            raise PoolExhausted(f"no database connection was free within {ACQUIRE_TIMEOUT_SECONDS}s")
        connection = None
        try:
            with self._lock:
                connection = self._idle.pop() if self._idle else None
            if connection is None:
                connection = psycopg.connect(self._url)
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
