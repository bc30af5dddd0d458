"""A second engine beside a running local stack: the stack's database, Cognito pool and action handler, with a
metadata of its own. What it is made to serve changes nothing the stack's own engine serves, so a metadata change
can be tried while other work (another pytest-xdist worker's tests) goes on against the stack."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from phenom_stack.engine_config import EngineConfig
from phenom_stack.hasura_engine import start_engine
from phenom_stack.hasura_project import apply_metadata, metadata_json
from phenom_stack.local_stack import LocalStack
from phenom_stack.ports import free_port
from phenom_stack.scratch_database import scratch_database
from phenom_stack.stack import HASURA_PROJECT_DIR


@contextmanager
def second_engine(stack: LocalStack, log_dir: Path, *, kind: str | None = None) -> Iterator[LocalStack]:
    """The stack as reached through a new engine (of the stack's kind unless `kind` says) serving hasura/'s metadata:
    the same description with that engine's GraphQL, metadata and query URLs. The engine and the database holding
    its metadata are gone on exit."""
    # Real Hasura keeps its metadata in hdb_catalog of its metadata database, and engines that share one serve the
    # same metadata; the double keeps its own in memory and does not read it.
    with scratch_database(stack.database_url, "phenom_engine_") as metadata_database_url:
        config = EngineConfig(
            stack.database_url,
            stack.admin_secret,
            stack.jwt_secret_config,
            stack.action_url,
            metadata_database_url=metadata_database_url,
        )
        engine = start_engine(kind or stack.stack, config, free_port(), log_dir)
        try:
            metadata_url = f"{engine.base_url}/v1/metadata"
            apply_metadata(metadata_url, stack.admin_secret, metadata_json(HASURA_PROJECT_DIR))
            yield replace(
                stack,
                graphql_url=f"{engine.base_url}/v1/graphql",
                metadata_url=metadata_url,
                query_url=f"{engine.base_url}/v2/query",
            )
        finally:
            engine.stop()
