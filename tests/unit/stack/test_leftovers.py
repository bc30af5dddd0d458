"""Where a stack's Postgres keeps its data (in memory where there is room), and the removal of what killed runs left."""

import os
import shutil
import subprocess
import sys
from collections import namedtuple

import pytest

from phenom_stack import leftovers

pytestmark = pytest.mark.unit

Usage = namedtuple("Usage", "total used free")


@pytest.fixture
def memory(tmp_path, monkeypatch):
    """A directory standing for /dev/shm, with room to spare."""
    root = tmp_path / "shm"
    root.mkdir()
    monkeypatch.setattr(leftovers, "MEMORY_ROOT", root)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(8 << 30, 0, 8 << 30))
    return root


@pytest.fixture(scope="module")
def dead_pid():
    """The pid of a process that has exited and been reaped."""
    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(process.stdout)


def test_memory_with_room_holds_the_data(memory):
    assert leftovers.memory_root() == memory


def test_memory_without_room_falls_back_to_disk(memory, monkeypatch):
    # GIVEN a memory file system as small as Docker's default /dev/shm (64 MB)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(64 << 20, 0, 64 << 20))
    # THEN the data directory is not put there
    assert leftovers.memory_root() is None


def test_a_machine_without_that_memory_file_system_uses_the_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(leftovers, "MEMORY_ROOT", tmp_path / "no-shm")
    assert leftovers.memory_root() is None


def test_just_enough_room_is_room(memory, monkeypatch):
    room = leftovers.MEMORY_ROOM_BYTES
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(room, 0, room))
    assert leftovers.memory_root() == memory


def test_abandoned_dirs_go_on_disk_and_in_memory_and_live_ones_stay(tmp_path, memory, dead_pid):
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    # GIVEN the dirs of a killed run (their owner does not run) and of this live one, on disk and in memory
    live = [
        leftovers.make_workdir(leftovers.STACK_PREFIX, temp_dir),
        leftovers.make_workdir(leftovers.POSTGRES_PREFIX, temp_dir),
        leftovers.make_workdir(leftovers.POSTGRES_DATA_PREFIX, memory),
    ]
    abandoned = [
        leftovers.make_workdir(leftovers.STACK_PREFIX, temp_dir),
        leftovers.make_workdir(leftovers.POSTGRES_PREFIX, temp_dir),
        leftovers.make_workdir(leftovers.POSTGRES_DATA_PREFIX, memory),
    ]
    for path in abandoned:
        (path / leftovers.OWNER_FILE).write_text(f"{dead_pid} 1")
    # AND a dir in memory that is no stack's (another program's shared memory)
    (memory / "PostgreSQL.12345").write_text("")
    # WHEN the next start removes leftovers
    removed = leftovers.remove_leftovers(temp_dir)
    # THEN exactly the killed run's dirs are gone, wherever they were
    assert sorted(removed) == sorted(abandoned)
    assert [path.exists() for path in abandoned] == [False] * 3
    assert [path.exists() for path in live] == [True] * 3
    assert (memory / "PostgreSQL.12345").exists()


def test_a_dir_without_an_owner_yet_is_left(tmp_path, memory):
    # GIVEN a data dir a start is making right now (made, its owner file not written yet)
    starting = memory / f"{leftovers.POSTGRES_DATA_PREFIX}starting"
    starting.mkdir()
    # THEN it is not taken for a leftover
    assert leftovers.remove_leftovers(tmp_path) == []
    assert starting.exists()


def test_the_owner_file_names_this_process(tmp_path):
    workdir = leftovers.make_workdir(leftovers.POSTGRES_DATA_PREFIX, tmp_path)
    assert workdir.name.startswith(leftovers.POSTGRES_DATA_PREFIX)
    assert (workdir / leftovers.OWNER_FILE).read_text().split()[0] == str(os.getpid())


def test_with_the_temp_dir_in_memory_each_leftover_is_removed_once(memory, dead_pid):
    # GIVEN TMPDIR is the memory root itself, so the data dirs also match the Postgres work dirs' prefix
    abandoned = leftovers.make_workdir(leftovers.POSTGRES_DATA_PREFIX, memory)
    (abandoned / leftovers.OWNER_FILE).write_text(f"{dead_pid} 1")
    # THEN it is removed, and named once
    assert leftovers.remove_leftovers(memory) == [abandoned]
    assert not abandoned.exists()
