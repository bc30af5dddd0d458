"""Faults injected into a running local stack's parts by their own processes: stop (SIGSTOP, resumed with SIGCONT),
kill (SIGKILL); each part is found by the loopback port it serves, so a restarted part is found again.

Also waits on conditions with a deadline (never a fixed sleep), and what /proc says is left: processes and ports.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from phenom_stack.leftovers import running
from phenom_stack.local_stack import LocalStack

T = TypeVar("T")
TCP_LISTEN = "0A"
TCP_ESTABLISHED = "01"
POLL_SECONDS = 0.02


def wait_for(condition: Callable[[], T], timeout: float, what: str) -> T:
    """The first truthy value of condition() within timeout seconds; AssertionError naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f}s")
        # A bounded poll of a condition, not a wait for time to pass.
        time.sleep(POLL_SECONDS)


def part_ports(stack: LocalStack) -> dict[str, int]:
    """The loopback port each part of the stack serves on."""
    return {
        "postgres": urlsplit(stack.database_url).port,
        "moto": urlsplit(stack.aws_endpoint_url).port,
        "engine": urlsplit(stack.graphql_url).port,
        "action-handler": urlsplit(stack.action_url).port,
    }


@dataclass(frozen=True)
class TcpSocket:
    """One line of /proc/net/tcp or tcp6: addresses in the kernel's hex, ports as numbers."""

    local_address: str
    local_port: int
    remote_port: int
    state: str
    unread_bytes: int
    inode: str


def tcp_sockets() -> list[TcpSocket]:
    """Every TCP socket on this host, IPv4 and IPv6, as the kernel lists them."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_address, _, local_port = fields[1].rpartition(":")
            found.append(
                TcpSocket(
                    local_address,
                    int(local_port, 16),
                    int(fields[2].rsplit(":", 1)[1], 16),
                    fields[3],
                    int(fields[4].split(":")[1], 16),
                    fields[9],
                )
            )
    return found


def listening_ports() -> dict[int, str]:
    """Port -> socket inode of every TCP socket listening on this host."""
    return {socket.local_port: socket.inode for socket in tcp_sockets() if socket.state == TCP_LISTEN}


def pid_listening_on(port: int) -> int | None:
    """The process holding the socket that listens on port (None when nothing does)."""
    inode = listening_ports().get(port)
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) == target for fd in (entry / "fd").iterdir()):
                return int(entry.name)
        except OSError:
            continue
    return None


def descendants(pid: int) -> set[int]:
    """Every process below pid, from /proc."""
    children: dict[int, set[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, set()).add(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.add(child)
            todo.append(child)
    return found


class StackParts:
    """The processes of one running stack, by part name (part_ports); every signal goes to 127.0.0.1 parts only."""

    def __init__(self, stack: LocalStack) -> None:
        self.ports = part_ports(stack)

    def pid(self, part: str) -> int:
        """The pid of the process serving part now."""
        pid = pid_listening_on(self.ports[part])
        assert pid is not None, f"no process listens on {part}'s port {self.ports[part]}"
        return pid

    def kill(self, part: str) -> int:
        """SIGKILL the part's process (not its helpers: a dead postmaster's helpers end by themselves); its pid."""
        pid = self.pid(part)
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not running(pid), 10, f"{part} (pid {pid}) ending after SIGKILL")
        return pid

    @contextmanager
    def stopped(self, part: str) -> Iterator[set[int]]:
        """The part and its helpers stopped (SIGSTOP) for the block, as a stalled host is; resumed (SIGCONT) after."""
        pid = self.pid(part)
        pids = {pid, *descendants(pid)}
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            yield pids
        finally:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGCONT)
                except ProcessLookupError:
                    continue
