"""`phenom-stack up --json` in a child process, and the files a stack run leaves."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from phenom_stack.leftovers import OWNER_FILE, POSTGRES_DATA_PREFIX, memory_root

STOP_TIMEOUT_SECONDS = 30
# A root run copies the embedded Postgres binaries to a world-readable cache under TMPDIR once per version, and the
# template data directory once per build, on purpose, and keeps them for later runs (phenom_stack/postgres.py).
KEPT_CACHE_PREFIX = "phenom-postgres-"


def phenom_stack_command() -> list[str]:
    """The installed console script, from the venv that runs the tests."""
    script = shutil.which("phenom-stack", path=str(Path(sys.executable).parent))
    assert script, "the phenom-stack console script is not installed: run `pip install -e .` in the venv"
    return [script]


@contextmanager
def phenom_stack_up(kind: str, tmpdir: Path, stderr_path: Path, ready_timeout: float) -> Iterator[tuple]:
    """Run `phenom-stack up --json --stack kind` with TMPDIR=tmpdir; yield (process, the JSON document).

    Whatever the caller does, the process is stopped with SIGTERM on exit (SIGKILL would orphan its children).
    """
    with open(stderr_path, "w") as stderr:
        # The child inherits the environment as a developer's shell would pass it; only its temp dir is ours.
        process = subprocess.Popen(
            [*phenom_stack_command(), "up", "--json", "--stack", kind],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "TMPDIR": str(tmpdir)},
        )
    try:
        line = _first_line(process, ready_timeout)
        if not line:
            _wait_quietly(process)
        assert line, (
            f"phenom-stack printed no JSON line (waited up to {ready_timeout:.0f}s; exit code "
            f"{process.poll()}); stderr:\n{stderr_path.read_text()[-3000:]}"
        )
        yield process, json.loads(line)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stdout.close()


@contextmanager
def traversable_tmpdir() -> Iterator[Path]:
    """A fresh TMPDIR for a stack run, removed afterwards.

    Not under pytest's tmp_path: that is private to root, and the embedded Postgres of a root run works as an
    unprivileged user inside TMPDIR.
    """
    path = Path(tempfile.mkdtemp(prefix="phenom-cli-tmpdir-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _wait_quietly(process: subprocess.Popen) -> None:
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


def _first_line(process: subprocess.Popen, timeout: float) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=timeout):
            return ""
        return process.stdout.readline()


def memory_dirs_of(owner: int) -> set[Path]:
    """The Postgres data directories in memory (phenom_stack.leftovers.memory_root) that process owner made; other
    runs' are there too."""
    root = memory_root()
    if root is None:
        return set()
    return {path for path in root.glob(f"{POSTGRES_DATA_PREFIX}*") if _owner(path) == owner}


def left_behind(tmpdir: Path, owner: int) -> list[str]:
    """What a stack run (process owner, with TMPDIR tmpdir) left: anything in tmpdir but the kept caches, and its
    Postgres data directories in memory."""
    in_tmpdir = [path.name for path in tmpdir.iterdir() if not path.name.startswith(KEPT_CACHE_PREFIX)]
    return sorted(in_tmpdir + [str(path) for path in memory_dirs_of(owner)])


def _owner(workdir: Path) -> int | None:
    # The owner file is written just after the dir is made: a dir without one yet is no run's so far.
    try:
        return int((workdir / OWNER_FILE).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
