"""A loopback port that refuses every connection, for faults of the kind `connection refused before the first byte`."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def refusing_port() -> Iterator[int]:
    """A port on 127.0.0.1 held bound but never listening: connecting to it is refused for as long as the block runs,
    and no other process can take it meanwhile."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
