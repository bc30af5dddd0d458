"""The graphql container's configuration as the Terraform task definition sets it, valued for the local stack: the
one input both engines (the real Hasura container and the engine double) start from."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace

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
    # Where real Hasura keeps its metadata (hdb_catalog); empty: the database itself, as in prod. Two engines that
    # share a metadata database serve one metadata, as Hasura's replicas do.
    metadata_database_url: str = field(default="", repr=False)

    def environment(self) -> dict[str, str]:
        """The container's environment (HASURA_GRAPHQL_UNAUTHORIZED_ROLE stays unset, as in prod)."""
        return {
            "HASURA_GRAPHQL_ENABLE_ALLOWLIST": "true" if self.enable_allowlist else "false",
            "HASURA_GRAPHQL_ADMIN_SECRET": self.admin_secret,
            "HASURA_GRAPHQL_JWT_SECRET": json.dumps(self.jwt_secret_config),
            "HASURA_GRAPHQL_METADATA_DATABASE_URL": self.metadata_database_url or self.database_url,
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
            metadata_database_url=rewrite(self.metadata_database_url) if self.metadata_database_url else "",
            jwt_secret_config={**self.jwt_secret_config, "jwk_url": rewrite(self.jwt_secret_config["jwk_url"])},
            action_url=rewrite(self.action_url),
        )
