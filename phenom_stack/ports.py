"""Loopback TCP ports for the stack's listeners, chosen before they start so each part knows the others' URLs.

A port is chosen below the kernel's ephemeral range, the range it takes ports from for every outgoing connection's
local end and for every bind to port 0. A port from that range, free when chosen, could be taken by any connection
made before the part that was to listen on it binds it (with dozens of connections a second in a parallel run, that
happens); below it, only a program that binds that very port can take it.
"""

from __future__ import annotations

import random
import socket
import threading
from pathlib import Path

# Linux's setting; macOS and Windows use IANA's dynamic range, from 49152, which is also the fallback.
EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
IANA_EPHEMERAL_LOW = 49152
# Above the ports services conventionally use (Postgres's 5432, the 8000s of web servers).
PLANNED_LOW = 20000
# Ports tried before falling back to one the kernel picks (which is free, just from the ephemeral range).
ATTEMPTS = 50
# Handed out by this process: a port is planned well before its part binds it, so it must not be handed out twice.
_handed_out: set[int] = set()
_lock = threading.Lock()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago, below the ephemeral range where there is room."""
    high = ephemeral_low() - 1
    with _lock:
        if high >= PLANNED_LOW:
            for _ in range(ATTEMPTS):
                port = random.randint(PLANNED_LOW, high)
                if port not in _handed_out and _bindable(port):
                    _handed_out.add(port)
                    return port
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        _handed_out.add(port)
        return port


def ephemeral_low() -> int:
    """The lowest port of the kernel's ephemeral range."""
    try:
        return int(EPHEMERAL_RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return IANA_EPHEMERAL_LOW


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
