"""The GraphQL engine of the stack: real Hasura in a container (docker) or the engine double in a process of its own
(hermetic), each on 127.0.0.1.

Both get the same configuration, the environment the ECS task definition gives the graphql container, and both
are fed the same way afterwards (migrations through /v2/query, metadata through /v1/metadata).
"""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from phenom_stack.double_process import DoubleProcess

if TYPE_CHECKING:
    from phenom_stack.docker_host import HostAccess
    from phenom_stack.engine_config import EngineConfig


class RunningEngine(Protocol):
    """A started engine: where it listens and how to stop it."""

    base_url: str

    @property
    def process(self) -> subprocess.Popen | None: ...

    def stop(self) -> None: ...


class StartableEngine(Protocol):
    """An engine not started yet: start() returns its base URL once it answers; stop() also undoes a half start."""

    def start(self) -> str: ...

    def stop(self) -> None: ...


@dataclass
class _StartedEngine:
    base_url: str
    _server: StartableEngine = field(repr=False)

    @property
    def process(self) -> subprocess.Popen | None:
        """The engine's own process, where it runs as one on this host (the double; a container has none)."""
        return getattr(self._server, "process", None)

    def stop(self) -> None:
        self._server.stop()


def launch_engine(kind: str, port: int, log_dir: Path) -> DoubleProcess | None:
    """What of the engine's start on 127.0.0.1:port needs no configuration, begun now: the double's process, which
    loads its modules (most of its start) and then waits for its environment (start_engine(..., launched) gives it);
    None for the container, which starts only with its configuration."""
    if kind == "docker":
        return None
    double = DoubleProcess(port, None, log_dir)
    double.launch()
    return double


def start_engine(
    kind: str,
    config: EngineConfig,
    port: int,
    log_dir: Path,
    access: HostAccess | None = None,
    launched: DoubleProcess | None = None,
) -> RunningEngine:
    """Start the engine of the given stack kind on 127.0.0.1:port (or the double launch_engine launched) and return
    it once it answers. The double logs to log_dir; the container reaches the host as access says (asked of the
    engine when not given)."""
    server: StartableEngine
    if kind == "docker":
        from phenom_stack.docker_host import host_access
        from phenom_stack.hasura_container import HasuraContainer

        server = HasuraContainer(port, config, access or host_access())
        start = server.start
    else:
        server = launched or DoubleProcess(port, None, log_dir)
        start = functools.partial(server.start, config.environment())
    try:
        return _StartedEngine(start(), server)
    except BaseException:
        # A half-started engine (container created, never healthy) is still there to remove.
        server.stop()
        raise
