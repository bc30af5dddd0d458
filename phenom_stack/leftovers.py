"""What a killed stack leaves in the temp dir, and its removal by the next start.

A stack's work dir (`phenom-stack-*`) and its embedded Postgres's (`phenom-pg-*`) each hold an `owner` file naming
the process that made it (pid and start time, so a reused pid is not mistaken for it). A dir whose owner no longer runs belongs to a run that was killed (its processes died with it,
phenom_stack.child_process.die_with_parent): the next start removes it. Dirs of live stacks are left alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

STACK_PREFIX = "phenom-stack-"
POSTGRES_PREFIX = "phenom-pg-"
OWNER_FILE = "owner"


def make_workdir(prefix: str = STACK_PREFIX, parent: Path | None = None) -> Path:
    """A new work dir in parent (the temp dir by default), marked as this process's."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    (workdir / OWNER_FILE).write_text(_identity(os.getpid()))
    return workdir


def remove_leftovers(temp_dir: Path | None = None) -> list[Path]:
    """Remove the work dirs of stacks and embedded Postgres servers that no longer run; the dirs removed."""
    root = temp_dir or Path(tempfile.gettempdir())
    removed = []
    for path in sorted(root.glob(f"{STACK_PREFIX}*")) + sorted(root.glob(f"{POSTGRES_PREFIX}*")):
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
    if not _running(pid):
        return ""
    try:
        start_time = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        start_time = "-"
    return f"{pid} {start_time}"


def _running(pid: int) -> bool:
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
