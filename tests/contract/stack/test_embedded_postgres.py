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


def mapped_files(pid: int) -> set[Path] | None:
    """The files process pid has mapped into its memory (its shared memory segments among them); None without /proc."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return None
    return {Path(line.split(maxsplit=5)[5]) for line in maps.splitlines() if len(line.split(maxsplit=5)) == 6}


def is_segment(path: Path) -> bool:
    """A dynamic shared memory segment's file: /dev/shm/PostgreSQL.N (posix) or pg_dynshmem/mmap.N (mmap)."""
    return path.name.startswith("PostgreSQL.") or path.parent.name == "pg_dynshmem"


@pytest.fixture
def killed_postgres():
    """An embedded Postgres that answered a query, then SIGKILLed with its whole process group and stopped:
    (its data directory while it ran, the shared memory segments its postmaster had mapped, None without /proc)."""
    server = EmbeddedPostgres()
    try:
        with psycopg.connect(server.start(), autocommit=True) as connection:
            data_directory = Path(connection.execute("SHOW data_directory").fetchone()[0])
        mapped = mapped_files(server.process.pid)
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
    finally:
        server.stop()
    return data_directory, None if mapped is None else {path for path in mapped if is_segment(path)}


def test_the_data_directory_is_in_memory_where_there_is_room(killed_postgres):
    data_directory, _ = killed_postgres
    if memory_root() is None:
        assert not data_directory.is_relative_to(MEMORY_ROOT)
    else:
        assert data_directory.is_relative_to(memory_root())


def test_a_killed_server_leaves_no_shared_memory_segment(killed_postgres):
    # Its segments are files in its data directory (dynamic_shared_memory_type=mmap), not /dev/shm/PostgreSQL.*,
    # which a server that is killed, and so cannot remove them, would leave for good.
    _, segments = killed_postgres
    if segments is None:
        pytest.skip("no /proc here: the files a server maps cannot be listed (Linux has it)")
    assert segments, "the postmaster mapped no shared memory segment: the check would prove nothing"
    assert sorted(path for path in segments if path.exists()) == []


def test_stop_removes_the_data_directory_of_a_killed_server(killed_postgres):
    data_directory, _ = killed_postgres
    assert not data_directory.parent.exists()
