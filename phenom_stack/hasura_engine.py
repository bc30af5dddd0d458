"""The GraphQL engine of the stack: real Hasura in a container (docker) or the engine double in a process of its own
(hermetic), each on 127.0.0.1.

Both get the same configuration, the environment the ECS task definition gives the graphql container, and both
are fed the same way afterwards (migrations through /v2/query, metadata through /v1/metadata).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from phenom_stack.docker_host import HostAccess


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


CLAIMS_NAMESPACE = "https://hasura.io/jwt/claims"


def jwt_secret_config(jwks_url: str, client_id: str, issuer: str) -> dict:
    """HASURA_GRAPHQL_JWT_SECRET as Terraform sets it: RS256 via the pool's JWKS, stringified claims (Cognito V1)."""
    return {
        "type": "RS256",
        "jwk_url": jwks_url,
        "claims_namespace": CLAIMS_NAMESPACE,
        "claims_format": "stringified_json",
        "audience": client_id,
        "issuer": issuer,
    }


@dataclass(frozen=True)
class EngineConfig:
    """What the graphql container is configured with in Terraform, valued for the local stack."""

    database_url: str = field(repr=False)
    admin_secret: str = field(repr=False)
    jwt_secret_config: dict
    action_url: str
    # Production runs only the app's operations for users (the allow-list); the local stack serves any operation by
    # default, so the contract suite can probe permissions and errors with operations of its own.
    enable_allowlist: bool = False

    def environment(self) -> dict[str, str]:
        """The container's environment (HASURA_GRAPHQL_UNAUTHORIZED_ROLE stays unset, as in prod)."""
        return {
            "HASURA_GRAPHQL_ENABLE_ALLOWLIST": "true" if self.enable_allowlist else "false",
            "HASURA_GRAPHQL_ADMIN_SECRET": self.admin_secret,
            "HASURA_GRAPHQL_JWT_SECRET": json.dumps(self.jwt_secret_config),
            "HASURA_GRAPHQL_METADATA_DATABASE_URL": self.database_url,
            "PG_DATABASE_URL": self.database_url,
            "HASURA_ACTION_PHENOM_URL": self.action_url,
            "HASURA_GRAPHQL_ENABLE_CONSOLE": "false",
            # A local run has nothing to report to Hasura's telemetry endpoint.
            "HASURA_GRAPHQL_ENABLE_TELEMETRY": "false",
        }

    def with_urls(self, rewrite: Callable[[str], str]) -> EngineConfig:
        """The same configuration with each URL the engine calls (database, JWKS, action handler) rewritten."""
        return replace(
            self,
            database_url=rewrite(self.database_url),
            jwt_secret_config={**self.jwt_secret_config, "jwk_url": rewrite(self.jwt_secret_config["jwk_url"])},
            action_url=rewrite(self.action_url),
        )


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


def start_engine(
    kind: str, config: EngineConfig, port: int, log_dir: Path, access: HostAccess | None = None
) -> RunningEngine:
    """Start the engine of the given stack kind on 127.0.0.1:port and return it once it answers. The double logs to
    log_dir; the container reaches the host as access says (asked of the engine when not given)."""
    server: StartableEngine
    if kind == "docker":
        from phenom_stack.docker_host import host_access
        from phenom_stack.hasura_container import HasuraContainer

        server = HasuraContainer(port, config, access or host_access())
    else:
        from phenom_stack.double_process import DoubleProcess

        server = DoubleProcess(port, config.environment(), log_dir)
    try:
        return _StartedEngine(server.start(), server)
    except BaseException:
        # A half-started engine (container created, never healthy) is still there to remove.
        server.stop()
        raise
