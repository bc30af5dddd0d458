"""The stack watching its parts: a Lambda host that dies is started again (as AWS starts a new execution
environment), a part that cannot be (moto's and Postgres's state, the engine's metadata would be lost) stops the
stack with a message naming it."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from phenom_stack.errors import StackError

# How often the watcher looks at its parts: a dead Lambda host is back well within a Hasura action's timeout.
WATCH_INTERVAL_SECONDS = 0.1


class PartLost(StackError):
    """A part of the stack that cannot be restarted has exited; the message names it."""


@dataclass
class _Watched:
    name: str
    process: subprocess.Popen
    restart: Callable[[], subprocess.Popen] | None


class Supervisor:
    """Watches processes by name from a thread of its own; `on_lost(error)` is called once when one that cannot be
    restarted exits. Started processes die with the thread that started them (die_with_parent), so restarts happen
    on the watcher's thread, which lives until stop()."""

    def __init__(self, on_lost: Callable[[PartLost], None], log: Callable[[str], None] | None = None) -> None:
        self._on_lost = on_lost
        self._log = log or (lambda line: print(f"phenom-stack: {line}", file=sys.stderr, flush=True))
        self._watched: list[_Watched] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="phenom-stack-supervisor", daemon=True)
        self.restarts: dict[str, int] = {}

    def watch(
        self, name: str, process: subprocess.Popen, restart: Callable[[], subprocess.Popen] | None = None
    ) -> None:
        """Watch process; when it exits, restart() (which returns the new process once it serves) or stop."""
        with self._lock:
            self._watched.append(_Watched(name, process, restart))

    def start(self) -> None:
        self._thread.start()

    def processes(self) -> list[subprocess.Popen]:
        """The current process of each watched part (a restarted one's new process)."""
        with self._lock:
            return [part.process for part in self._watched]

    def stop(self) -> None:
        """Stop watching (before the parts are stopped, so their ends are not taken for faults)."""
        self._stopping.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _watch(self) -> None:
        while not self._stopping.wait(WATCH_INTERVAL_SECONDS):
            with self._lock:
                exited = [part for part in self._watched if part.process.poll() is not None]
            if not all(self._recover(part) for part in exited if not self._stopping.is_set()):
                break
        # The processes restarted from this thread die when it ends (die_with_parent): it lives until stop().
        self._stopping.wait()

    def _recover(self, part: _Watched) -> bool:
        code = part.process.returncode
        if part.restart is None:
            self._on_lost(PartLost(f"{part.name} exited with code {code} and cannot be restarted; stopping the stack"))
            return False
        try:
            part.process = part.restart()
        except Exception as error:
            self._on_lost(PartLost(f"{part.name} exited with code {code} and did not restart: {error}"))
            return False
        self.restarts[part.name] = self.restarts.get(part.name, 0) + 1
        self._log(f"{part.name} exited with code {code}; restarted it (pid {part.process.pid})")
        return True
