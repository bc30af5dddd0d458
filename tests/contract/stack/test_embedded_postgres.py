"""The embedded Postgres keeps its data in memory where the machine has room, and leaves nothing when killed."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import psycopg
import pytest

from phenom_stack.leftovers import MEMORY_ROOT, memory_root
from phenom_stack.postgres import EmbeddedPostgres

pytestmark = pytest.mark.contract


def shared_memory_segments() -> set[str]:
    """What is in Linux's /dev/shm, where Postgres's default (posix) shared memory segments would be."""
    return {path.name for path in MEMORY_ROOT.iterdir()} if MEMORY_ROOT.is_dir() else set()


@pytest.fixture
def killed_postgres():
    """An embedded Postgres that answered a query, then SIGKILLed with its whole process group and stopped:
    (its data directory while it ran, /dev/shm before it started, and after)."""
    before = shared_memory_segments()
    server = EmbeddedPostgres()
    try:
        with psycopg.connect(server.start(), autocommit=True) as connection:
            data_directory = Path(connection.execute("SHOW data_directory").fetchone()[0])
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
    finally:
        server.stop()
    return data_directory, before, shared_memory_segments()


def test_the_data_directory_is_in_memory_where_there_is_room(killed_postgres):
    data_directory, _, _ = killed_postgres
    if memory_root() is None:
        assert not data_directory.is_relative_to(MEMORY_ROOT)
    else:
        assert data_directory.is_relative_to(memory_root())


def test_a_killed_server_leaves_no_shared_memory_segment(killed_postgres):
    # Its segments are files in its data directory (dynamic_shared_memory_type=mmap), not in /dev/shm, where a
    # server that is killed, and so cannot remove them, would leave them for good.
    _, before, after = killed_postgres
    assert {name for name in after - before if name.startswith("PostgreSQL.")} == set()


def test_stop_removes_the_data_directory_of_a_killed_server(killed_postgres):
    data_directory, _, _ = killed_postgres
    assert not data_directory.parent.exists()
