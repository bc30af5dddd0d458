"""Start the whole local stack in dependency order, timing each part; stop all of it on exit, also after a failure.

Order: Postgres (in the background) while moto starts and gets the pool, client and bucket; the Lambda hosts
(in the background); the app secret once Postgres has a URL; the engine (needs the JWKS and the Function URL);
its database source, migrations and metadata through the engine's APIs; the trigger wiring; then the users,
whose confirmation runs the sync Lambda against the engine.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TypeVar

from tests.stack import names
from tests.stack.aws_bootstrap import create_app_secrets, create_cognito, create_media_bucket, create_users
from tests.stack.aws_clients import aws_client
from tests.stack.cognito_triggers import cognito_triggers
from tests.stack.docker_engine import resolve_stack_kind
from tests.stack.endpoints import LocalStack
from tests.stack.hasura_engine import EngineConfig, jwt_secret_config, register_sources, start_engine
from tests.stack.hasura_project import apply_metadata, apply_migrations, metadata_json
from tests.stack.lambda_functions import ACTION_HANDLER, COGNITO_SYNC_USERS, COGNITO_TRIGGER, FUNCTIONS
from tests.stack.lambda_processes import REPO_ROOT, start_lambda_hosts
from tests.stack.moto_server import moto_server
from tests.stack.postgres import ContainerPostgres, EmbeddedPostgres, free_port

HASURA_PROJECT_DIR = REPO_ROOT / "hasura"
# The pool's LambdaConfig, as Terraform wires the triggers in prod.
TRIGGERS = {
    "PreTokenGeneration": COGNITO_TRIGGER.arn,
    "PostConfirmation": COGNITO_SYNC_USERS.arn,
    "PostAuthentication": COGNITO_SYNC_USERS.arn,
}

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
def run_local_stack(requested_kind: str = "auto") -> Iterator[LocalStack]:
    """Start a local stack of the requested kind (auto|hermetic|docker), yield it, and stop it."""
    kind = resolve_stack_kind(requested_kind)
    clock = StartClock()
    with ExitStack() as cleanup:
        workdir = Path(tempfile.mkdtemp(prefix="phenom-stack-"))
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="phenom-stack-start")
        cleanup.callback(background.shutdown, wait=True, cancel_futures=True)

        postgres = ContainerPostgres() if kind == "docker" else EmbeddedPostgres()
        cleanup.callback(postgres.stop)
        database = background.submit(clock.time, "postgres", postgres.start)
        cleanup.callback(_settle, database)

        aws_endpoint_url = clock.time("moto", cleanup.enter_context, moto_server())
        cognito = aws_client("cognito-idp", aws_endpoint_url)
        secretsmanager = aws_client("secretsmanager", aws_endpoint_url)
        pool = clock.time("cognito", create_cognito, cognito, TRIGGERS)
        media_bucket = clock.time("s3", create_media_bucket, aws_client("s3", aws_endpoint_url))

        engine_url = f"http://127.0.0.1:{free_port()}"
        deployment = {
            "APP_SECRETS_ID": names.APP_SECRETS_ID,
            "MEDIA_BUCKET": media_bucket,
            "HASURA_GRAPHQL_URL": f"{engine_url}/v1/graphql",
            "COGNITO_USER_POOL_ID": pool.user_pool_id,
            "COGNITO_APP_CLIENT_ID": pool.client_id,
        }
        hosts_cleanup = cleanup.enter_context(ExitStack())
        hosts = background.submit(
            clock.time, "lambda_hosts", start_lambda_hosts, FUNCTIONS, deployment, aws_endpoint_url, workdir,
            hosts_cleanup,
        )
        cleanup.callback(_settle, hosts)

        database_url = database.result()
        jwt_config = jwt_secret_config(
            f"{aws_endpoint_url}/{pool.user_pool_id}/.well-known/jwks.json",
            pool.client_id,
            names.cognito_issuer(pool.user_pool_id),
        )
        admin_secret = secrets.token_urlsafe(32)
        clock.time("secrets", create_app_secrets, secretsmanager, database_url, jwt_config, admin_secret)

        hosted = hosts.result()
        action_url = hosted[ACTION_HANDLER.name].function_url
        engine = clock.time(
            "hasura", start_engine, kind, EngineConfig(database_url, admin_secret, jwt_config, action_url),
            int(engine_url.rsplit(":", 1)[1]),
        )
        cleanup.callback(engine.stop)
        clock.time("sources", register_sources, f"{engine.base_url}/v1/metadata", admin_secret,
                   metadata_json(HASURA_PROJECT_DIR))
        clock.time("migrations", apply_migrations, f"{engine.base_url}/v2/query", admin_secret, HASURA_PROJECT_DIR)
        clock.time("metadata", apply_metadata, f"{engine.base_url}/v1/metadata", admin_secret, HASURA_PROJECT_DIR)

        cleanup.enter_context(cognito_triggers({host.function.arn: host.invoke_url for host in hosted.values()}))
        users = clock.time("users", create_users, cognito, secretsmanager, pool)

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
            media_bucket=media_bucket,
            app_secrets_id=names.APP_SECRETS_ID,
            smoke_secret_id=names.SMOKE_SECRET_ID,
            admin_secret=admin_secret,
            database_url=database_url,
            jwt_secret_config=jwt_config,
            users=users,
            started_in_seconds=clock.elapsed(),
            start_timings=dict(clock.parts),
            log_dir=str(workdir),
        )


def _settle(future: Future) -> None:
    # Cleanup of a part must not race its start in the background; its own error is reported elsewhere.
    try:
        future.result()
    except Exception:  # noqa: BLE001 - the start's error already propagates from the main thread
        pass
