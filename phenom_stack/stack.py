"""Start the whole local stack in dependency order, timing each part; stop all of it on exit, also after a failure.

Every listener's port is chosen first, so each part knows the others' URLs before any of them starts (in a docker
stack, also where the host's services the containers call must listen: phenom_stack.docker_host). Then, side
by side in the background: moto, in a process of its own with the Cognito triggers wired to the Lambda hosts' Invoke
APIs; the engine double's process (hermetic), which loads its modules until its configuration comes; the host of
the trigger Lambda the start fires (post confirmation); and Postgres. Only then does this process load boto3 and make
its clients, and it builds the project's metadata in the background, while they start. The moment moto answers, the
pool and client are made in the foreground, and the other trigger hosts start; once the pool is there the bucket is
made and the users are signed up, both in the background. Then the action handler's host (its variables name the
pool and client) and the engine (it needs the JWKS, the Function URL and Postgres's URL, planned with its port) start
in the background; the app secret is written meanwhile. Once Postgres and the engine are up come the engine's
database source, migrations and metadata through the engine's APIs; then the users' confirmations, which run the
sync Lambda against the engine. On stop every part's process is sent SIGTERM at once, and then each is waited for
in turn.
"""

from __future__ import annotations

import _thread
import contextlib
import functools
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TypeVar

from lambdas.registry import ACTION_HANDLER, LAMBDAS
from phenom_stack import names
from phenom_stack.aws_bootstrap import (
    confirm_users,
    create_app_secrets,
    create_cognito,
    create_media_bucket,
    record_missing_users,
    sign_up_users,
)
from phenom_stack.child_process import REPO_ROOT
from phenom_stack.docker_engine import resolve_stack_kind
from phenom_stack.docker_host import HostAccess, host_access
from phenom_stack.double_process import DoubleProcess
from phenom_stack.engine_config import EngineConfig, jwt_secret_config
from phenom_stack.hasura_engine import RunningEngine, launch_engine, start_engine
from phenom_stack.lambda_processes import HostedFunction, plan_lambda_hosts, start_lambda_hosts
from phenom_stack.leftovers import make_workdir, remove_leftovers
from phenom_stack.local_stack import LocalStack
from phenom_stack.moto_server import DUMMY_CREDENTIALS, moto_url, start_moto_server
from phenom_stack.ports import free_port
from phenom_stack.postgres import ContainerPostgres, EmbeddedPostgres
from phenom_stack.supervisor import PartLost, Supervisor

HASURA_PROJECT_DIR = REPO_ROOT / "hasura"
# The one Cognito trigger the start fires: confirming the users runs it.
START_TRIGGER = "PostConfirmation"

T = TypeVar("T")


class StartClock:
    """Seconds spent in each named part of the start (parts in the background overlap the others)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.parts: dict[str, float] = {}
        self._lock = threading.Lock()

    def time(self, part: str, function: Callable[..., T], *args, **kwargs) -> T:
        begin = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            with self._lock:
                self.parts[part] = time.perf_counter() - begin

    def elapsed(self) -> float:
        return time.perf_counter() - self.started


@contextmanager
def run_local_stack(
    requested_kind: str = "auto", on_part_lost: Callable[[PartLost], None] | None = None
) -> Iterator[LocalStack]:
    """Start a local stack of the requested kind (auto|hermetic|docker), yield it, and stop it. While it runs, a
    Lambda host that dies is restarted; when a part that cannot be restarted dies, on_part_lost(error) is called
    (by default the main thread gets a KeyboardInterrupt, which stops the stack)."""
    kind = resolve_stack_kind(requested_kind)
    clock = StartClock()
    with ExitStack() as cleanup:
        remove_leftovers()
        workdir = make_workdir()
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        background = ThreadPoolExecutor(max_workers=9, thread_name_prefix="phenom-stack-start")
        cleanup.callback(background.shutdown, wait=True, cancel_futures=True)

        # Where the host's services a container calls (moto's JWKS, the Function URL, Postgres) must listen.
        access = host_access() if kind == "docker" else None
        also_listen = access.also_listen if access else ()
        engine_port, moto_port, postgres_port = free_port(), free_port(), free_port()
        aws_endpoint_url = moto_url(moto_port)
        hosted = plan_lambda_hosts(LAMBDAS, workdir)
        # Any deployed function may be named in a pool's LambdaConfig, as in AWS.
        wiring = {host.arn: host.invoke_url for host in hosted.values()}
        # The pool's LambdaConfig, as Terraform wires the triggers in prod.
        triggers = {trigger: host.arn for host in hosted.values() for trigger in host.function.cognito_triggers}
        moto = _in_background(
            background, cleanup, clock, "moto", start_moto_server, moto_port, wiring, also_listen, workdir
        )
        launched_engine = launch_engine(kind, engine_port, workdir)
        if launched_engine is not None:
            cleanup.callback(launched_engine.stop)
        deployment = {
            "APP_SECRETS_ID": names.APP_SECRETS_ID,
            "HASURA_GRAPHQL_URL": f"http://127.0.0.1:{engine_port}/v1/graphql",
        }
        # Only moto calls the trigger Lambdas, on loopback. The start itself fires PostConfirmation only (confirming
        # the users): the other trigger hosts start once moto answers, so that they do not slow moto's own start.
        trigger_hosts = [host for host in hosted.values() if host.function is not ACTION_HANDLER]
        fired_by_start = [host for host in trigger_hosts if START_TRIGGER in host.function.cognito_triggers]
        confirmation_hosts = _in_background(
            background,
            cleanup,
            clock,
            "trigger_hosts",
            start_lambda_hosts,
            fired_by_start,
            deployment,
            aws_endpoint_url,
            (),
        )
        postgres = ContainerPostgres(access, postgres_port) if access else EmbeddedPostgres(port=postgres_port)
        cleanup.callback(postgres.stop)
        database = background.submit(clock.time, "postgres", postgres.start)
        cleanup.callback(_settle, database)
        database_url = postgres.url_at(postgres_port)

        # Loaded once the parts' processes are on their way (a client loads its service model): the pool is made
        # the moment moto answers. The project's metadata is first needed once the engine runs; it is built
        # meanwhile in the background.
        from phenom_stack.moto_clients import moto_clients

        cognito, s3, secretsmanager = moto_clients(aws_endpoint_url, "cognito-idp", "s3", "secretsmanager")
        metadata = background.submit(_project_metadata)
        cleanup.callback(_settle, metadata)
        moto.result()
        sign_in_hosts = _in_background(
            background,
            cleanup,
            clock,
            "sign_in_trigger_hosts",
            start_lambda_hosts,
            [host for host in trigger_hosts if host not in fired_by_start],
            deployment,
            aws_endpoint_url,
            (),
        )
        pool = clock.time("cognito", create_cognito, cognito, triggers)
        # After the pool: moto's first request to a service loads that service, and two at once share its one
        # interpreter; the bucket is needed only once everything else is up.
        media_bucket = background.submit(clock.time, "s3", create_media_bucket, s3, hosted[ACTION_HANDLER].arn)
        cleanup.callback(_settle, media_bucket)
        # Signing up runs no trigger: only the confirmations need the engine fed.
        signed_up = background.submit(clock.time, "sign_up", sign_up_users, cognito, secretsmanager, pool)
        cleanup.callback(_settle, signed_up)
        action_environment = {
            **deployment,
            "MEDIA_BUCKET": names.MEDIA_BUCKET,
            "COGNITO_USER_POOL_ID": pool.user_pool_id,
            "COGNITO_APP_CLIENT_ID": pool.client_id,
        }
        action_host = _in_background(
            background,
            cleanup,
            clock,
            "action_host",
            start_lambda_hosts,
            [hosted[ACTION_HANDLER]],
            action_environment,
            aws_endpoint_url,
            also_listen,
        )

        jwt_config = jwt_secret_config(
            f"{aws_endpoint_url}/{pool.user_pool_id}/.well-known/jwks.json",
            pool.client_id,
            names.cognito_issuer(pool.user_pool_id),
        )
        admin_secret = secrets.token_urlsafe(32)
        action_url = hosted[ACTION_HANDLER].function_url
        engine_start = _in_background(
            background,
            cleanup,
            clock,
            "hasura",
            _start_engine,
            kind,
            EngineConfig(database_url, admin_secret, jwt_config, action_url),
            engine_port,
            workdir,
            access,
            launched_engine,
            database,
        )
        clock.time("secrets", create_app_secrets, secretsmanager, database_url, jwt_config, admin_secret)

        from phenom_stack.hasura_project import apply_metadata, apply_migrations, recorded_user_ids, register_sources

        database.result()
        engine = engine_start.result()
        project = metadata.result()
        clock.time("sources", register_sources, f"{engine.base_url}/v1/metadata", admin_secret, project)
        clock.time("migrations", apply_migrations, f"{engine.base_url}/v2/query", admin_secret, HASURA_PROJECT_DIR)
        clock.time("metadata", apply_metadata, f"{engine.base_url}/v1/metadata", admin_secret, project)

        confirmation_hosts.result()
        users = signed_up.result()
        clock.time("users", confirm_users, cognito, pool, users)
        action_host.result()
        sign_in_hosts.result()
        clock.time(
            "users_recorded",
            record_missing_users,
            cognito,
            pool,
            users,
            functools.partial(recorded_user_ids, f"{engine.base_url}/v1/graphql", admin_secret),
        )
        media_bucket.result()

        supervisor = Supervisor(on_part_lost or _interrupt_main)
        restarts = cleanup.enter_context(ExitStack())
        for name, process in (("Postgres", postgres.process), ("moto", moto.result()), ("the engine", engine.process)):
            if process is not None:
                supervisor.watch(name, process)
        for started, environment, listen in (
            (confirmation_hosts.result(), deployment, ()),
            (sign_in_hosts.result(), deployment, ()),
            (action_host.result(), action_environment, also_listen),
        ):
            for host, process in started.items():
                supervisor.watch(
                    f"the Lambda host of {host.name}",
                    process,
                    functools.partial(_restart_lambda_host, host, environment, aws_endpoint_url, listen, restarts),
                )
        supervisor.start()
        cleanup.callback(_signal_stop, supervisor.processes)
        # Registered last, so it runs first: the parts' own stops are not taken for faults.
        cleanup.callback(supervisor.stop)

        yield LocalStack(
            stack=kind,
            graphql_url=f"{engine.base_url}/v1/graphql",
            metadata_url=f"{engine.base_url}/v1/metadata",
            query_url=f"{engine.base_url}/v2/query",
            action_url=action_url,
            aws_endpoint_url=aws_endpoint_url,
            region=names.REGION,
            user_pool_id=pool.user_pool_id,
            client_id=pool.client_id,
            media_bucket=media_bucket.result(),
            app_secrets_id=names.APP_SECRETS_ID,
            smoke_secret_id=names.SMOKE_SECRET_ID,
            admin_secret=admin_secret,
            database_url=database_url,
            jwt_secret_config=jwt_config,
            users=users,
            started_in_seconds=clock.elapsed(),
            start_timings=dict(clock.parts),
            log_dir=str(workdir),
            aws_credentials={
                "access_key_id": DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                "secret_access_key": DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            },
        )


def _in_background(
    background: ThreadPoolExecutor, cleanup: ExitStack, clock: StartClock, part: str, start: Callable[..., T], *args
) -> Future[T]:
    """Run start(*args, processes) on a background thread, timed as part; processes is an ExitStack that stops what
    it started. On exit the start is waited for before processes closes, so no process it starts is left behind."""
    processes = cleanup.enter_context(ExitStack())
    future = background.submit(clock.time, part, start, *args, processes)
    cleanup.callback(_settle, future)
    return future


def _project_metadata() -> dict:
    """The project's metadata as the engine's API takes it. hasura_project is imported here, on a background thread:
    it loads graphql-core, which parses the actions' SDL."""
    from phenom_stack.hasura_project import metadata_json

    return metadata_json(HASURA_PROJECT_DIR)


def _start_engine(
    kind: str,
    config: EngineConfig,
    port: int,
    log_dir: Path,
    access: HostAccess | None,
    launched: DoubleProcess | None,
    database: Future[str],
    processes: ExitStack,
) -> RunningEngine:
    """Start the engine as soon as it can start, and have processes stop it: the double (launched, unless None) at
    once, as it connects to the database only when it is fed; graphql-engine once Postgres accepts queries (it
    connects to its metadata database as it starts)."""
    if kind == "docker":
        database.result()
    engine = start_engine(kind, config, port, log_dir, access, launched)
    processes.callback(engine.stop)
    return engine


def _signal_stop(processes: Callable[[], list[subprocess.Popen]]) -> None:
    """SIGTERM every part's process at once, so they shut down side by side; each part's own stop, which follows
    in order, then waits for a process that is already ending (and kills one that lingers)."""
    for process in processes():
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)


def _restart_lambda_host(host: HostedFunction, *start_arguments) -> subprocess.Popen:
    """The new process of a Lambda host whose process died, once it serves on its planned port."""
    return start_lambda_hosts([host], *start_arguments)[host]


def _interrupt_main(error: PartLost) -> None:
    """Say which part was lost, then stop the stack from its main thread (as Ctrl-C would)."""
    print(f"phenom-stack: {error}", file=sys.stderr, flush=True)
    _thread.interrupt_main()


def _settle(future: Future) -> None:
    # Cleanup of a part must not race its start in the background; its own error is reported elsewhere.
    # The start's own error already propagates from the main thread.
    with contextlib.suppress(Exception):
        future.result()
