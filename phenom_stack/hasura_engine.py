"""The GraphQL engine of the stack: real Hasura in a container (docker) or the engine double (hermetic).

Both get the same configuration, the environment the ECS task definition gives the graphql container, and both
are fed the same way afterwards (migrations through /v2/query, metadata through /v1/metadata).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Protocol


class Engine(Protocol):
    """A started engine: where it listens and how to stop it."""

    base_url: str

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

    def environment(self) -> dict[str, str]:
        """The container's environment (HASURA_GRAPHQL_UNAUTHORIZED_ROLE stays unset, as in prod)."""
        return {
            "HASURA_GRAPHQL_ADMIN_SECRET": self.admin_secret,
            "HASURA_GRAPHQL_JWT_SECRET": json.dumps(self.jwt_secret_config),
            "HASURA_GRAPHQL_METADATA_DATABASE_URL": self.database_url,
            "PG_DATABASE_URL": self.database_url,
            "HASURA_ACTION_PHENOM_URL": self.action_url,
            "HASURA_GRAPHQL_ENABLE_CONSOLE": "false",
            # A local run has nothing to report to Hasura's telemetry endpoint.
            "HASURA_GRAPHQL_ENABLE_TELEMETRY": "false",
        }


@dataclass
class _StartedEngine:
    base_url: str
    _server: object = field(repr=False)

    def stop(self) -> None:
        self._server.stop()


def start_engine(kind: str, config: EngineConfig, port: int) -> Engine:
    """Start the engine of the given stack kind on 127.0.0.1:port and return it once it answers."""
    if kind == "docker":
        from phenom_stack.hasura_container import HasuraContainer

        server = HasuraContainer(port, config.environment())
    else:
        from phenom_stack.double import HasuraDouble

        server = HasuraDouble(
            config.database_url, config.admin_secret, config.jwt_secret_config, config.environment(), port=port
        )
    try:
        return _StartedEngine(server.start(), server)
    except BaseException:
        # A half-started engine (container created, never healthy) is still there to remove.
        server.stop()
        raise
