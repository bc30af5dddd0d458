"""Where a stack keeps its files, what a killed stack leaves there, and its removal by the next start.

A stack's work dir (`phenom-stack-*`) and its embedded Postgres's (`phenom-pg-*`) are in the temp dir; the
Postgres data directory (`phenom-pg-data-*`) is in memory where the machine offers room there (memory_root), and
beside the server's work dir otherwise. Each holds an `owner` file naming the process that made it (pid and start
time, so a reused pid is not mistaken for it). A dir whose owner no longer runs belongs to a run that was killed
(its processes died with it, phenom_stack.child_process.die_with_parent): the next start removes it. Dirs of live
stacks are left alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

STACK_PREFIX = "phenom-stack-"
POSTGRES_PREFIX = "phenom-pg-"
POSTGRES_DATA_PREFIX = "phenom-pg-data-"
OWNER_FILE = "owner"
# Linux's memory file system (tmpfs) for everyone's shared memory. Writing the data directory there costs a
# quarter of the CPU that ext4 takes (most of an embedded Postgres's start is copying its template), and it is
# thrown away at stop anyway. Used only with this much free, so that Docker's 64 MB default falls back to disk.
MEMORY_ROOT = Path("/dev/shm")
MEMORY_ROOM_BYTES = 1 << 30


def make_workdir(prefix: str = STACK_PREFIX, parent: Path | None = None) -> Path:
    """A new work dir in parent (the temp dir by default), marked as this process's."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    (workdir / OWNER_FILE).write_text(_identity(os.getpid()))
    return workdir


def memory_root() -> Path | None:
    """MEMORY_ROOT where it is a directory this user may write in with MEMORY_ROOM_BYTES free; None elsewhere
    (macOS and Windows have none)."""
    try:
        if os.access(MEMORY_ROOT, os.W_OK | os.X_OK) and shutil.disk_usage(MEMORY_ROOT).free >= MEMORY_ROOM_BYTES:
            return MEMORY_ROOT
    except OSError:
        pass
    return None


def remove_leftovers(temp_dir: Path | None = None) -> list[Path]:
    """Remove the work dirs of stacks and embedded Postgres servers that no longer run, and their data directories
    in memory; the dirs removed."""
    root = temp_dir or Path(tempfile.gettempdir())
    candidates = sorted(root.glob(f"{STACK_PREFIX}*")) + sorted(root.glob(f"{POSTGRES_PREFIX}*"))
    memory = memory_root()
    if memory is not None:
        candidates += sorted(memory.glob(f"{POSTGRES_DATA_PREFIX}*"))
    removed = []
    # Once each: with TMPDIR=/dev/shm the data directories match both globs.
    for path in dict.fromkeys(candidates):
        if path.is_dir() and _abandoned(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _abandoned(path: Path) -> bool:
    try:
        recorded = (path / OWNER_FILE).read_text()
        return _identity(int(recorded.split()[0])) != recorded
    except (OSError, ValueError, IndexError):
        # No owner recorded yet (a start in progress) or not ours: not known to be abandoned.
        return False


def _identity(pid: int) -> str:
    """`pid starttime` of a running process ('' when it does not run); the start time tells a reused pid apart."""
    if not running(pid):
        return ""
    try:
        start_time = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        start_time = "-"
    return f"{pid} {start_time}"


def running(pid: int) -> bool:
    """Whether pid is a live process: a zombie has ended, it only waits to be reaped (which a container's or a
    VM's first process may do late, or never). Without /proc (macOS), a zombie counts as live."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
