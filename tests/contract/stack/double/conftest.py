"""Fixtures of the engine double's own contract tests: embedded Postgres, a JWKS, an action handler, the double."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from phenom_stack.double_process import DoubleProcess
from phenom_stack.hasura_project import apply_metadata, apply_migrations, metadata_json
from phenom_stack.postgres import EmbeddedPostgres
from tests.contract.stack.double.double_endpoints import DoubleEndpoints
from tests.contract.stack.double.jwt_secret import AUDIENCE, CLAIMS_NAMESPACE, ISSUER, JWKS_PATH, KEY_ID, jwt_config
from tests.contract.stack.double.scripted_action_handler import ScriptedActionHandler
from tests.kit.loopback_http import LoopbackServer, Reply
from tests.kit.tokens import SigningKey, jwks, new_signing_key, signed_token

HASURA_PROJECT_DIR = Path(__file__).resolve().parents[4] / "hasura"
TOKEN_LIFETIME_SECONDS = 600


@pytest.fixture(scope="session")
def double_database_url() -> Iterator[str]:
    """An empty embedded Postgres for the double's own tests (hasura_double migrates it through /v2/query)."""
    with EmbeddedPostgres() as url:
        yield url


@pytest.fixture(scope="session")
def double_signing_key() -> SigningKey:
    """The key the test JWKS publishes."""
    return new_signing_key(KEY_ID)


@pytest.fixture(scope="session")
def double_jwks_url(double_signing_key: SigningKey) -> Iterator[str]:
    """URL of a JWKS that publishes `double_signing_key` (no cache headers, like moto's)."""
    with LoopbackServer() as server:
        server.route("GET", JWKS_PATH, lambda request: Reply(200, jwks(double_signing_key)))
        yield server.url + JWKS_PATH


@pytest.fixture(scope="session")
def action_handler_server() -> Iterator[ScriptedActionHandler]:
    """The scripted action handler on loopback, for the whole session."""
    with LoopbackServer() as server:
        yield ScriptedActionHandler(server)


@pytest.fixture
def action_handler(action_handler_server: ScriptedActionHandler) -> Iterator[ScriptedActionHandler]:
    """The scripted action handler, with no queued replies or recorded calls left from other tests."""
    action_handler_server.reset()
    try:
        yield action_handler_server
    finally:
        action_handler_server.release()


@pytest.fixture(scope="session")
def start_double(
    double_database_url: str, double_jwks_url: str, action_handler_server: ScriptedActionHandler, tmp_path_factory
):
    """Start a double in a process of its own, as the stack does, on the test database; the caller stops it (env
    overrides merge into the engine's environment)."""

    def start(env: dict[str, str] | None = None) -> tuple[DoubleProcess, DoubleEndpoints]:
        secret = uuid.uuid4().hex
        config = jwt_config(double_jwks_url)
        double = DoubleProcess(
            0,
            {
                "HASURA_GRAPHQL_ADMIN_SECRET": secret,
                "HASURA_GRAPHQL_JWT_SECRET": json.dumps(config),
                "PG_DATABASE_URL": double_database_url,
                "HASURA_ACTION_PHENOM_URL": action_handler_server.url,
                **(env or {}),
            },
            tmp_path_factory.mktemp("hasura-double"),
        )
        try:
            return double, DoubleEndpoints(double.start(), secret, config)
        except BaseException:
            double.stop()
            raise

    return start


@pytest.fixture(scope="session")
def hasura_double(start_double, project_metadata: dict) -> Iterator[DoubleEndpoints]:
    """The double with the project's migrations (through /v2/query) and metadata applied."""
    double, endpoints = start_double()
    try:
        apply_migrations(endpoints.query_url, endpoints.admin_secret, HASURA_PROJECT_DIR)
        apply_metadata(endpoints.metadata_url, endpoints.admin_secret, project_metadata)
        yield endpoints
    finally:
        double.stop()


@pytest.fixture
def fresh_double(start_double, hasura_double: DoubleEndpoints) -> Iterator[DoubleEndpoints]:
    """A second double on the already migrated database, with no metadata yet (for metadata experiments)."""
    double, endpoints = start_double()
    try:
        yield endpoints
    finally:
        double.stop()


@pytest.fixture(scope="session")
def project_metadata() -> dict:
    """The project's metadata as the CLI would send it."""
    return metadata_json(HASURA_PROJECT_DIR)


@pytest.fixture(scope="session")
def mint_token(double_signing_key: SigningKey) -> Callable[..., str]:
    """Mint an RS256 ID token like the Cognito trigger makes (claims and header overridable)."""

    def mint(
        sub: str,
        *,
        key: SigningKey | None = None,
        hasura_claims: dict | None = None,
        drop: tuple = (),
        headers: dict | None = None,
        **claims,
    ) -> str:
        now = int(time.time())
        hasura = {"x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user"], "x-hasura-user-id": sub}
        payload = {
            "sub": sub,
            "aud": AUDIENCE,
            "iss": ISSUER,
            "token_use": "id",
            "iat": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            CLAIMS_NAMESPACE: json.dumps(hasura if hasura_claims is None else hasura_claims),
            **claims,
        }
        for name in drop:
            payload.pop(name, None)
        signer = key or double_signing_key
        return signed_token(signer, payload, headers={"kid": signer.kid, **(headers or {})})

    return mint


@dataclass
class SeededUsers:
    """Two users, each owning one phenom with one media row."""

    alice: str
    bob: str
    phenoms: dict[str, str]


@pytest.fixture
def seeded_users(hasura_double: DoubleEndpoints, double_database_url: str) -> Iterator[SeededUsers]:
    """Two users with a phenom and a media row each, written straight to the database and removed afterwards."""
    users = SeededUsers(str(uuid.uuid4()), str(uuid.uuid4()), {})
    try:
        with psycopg.connect(double_database_url, autocommit=True) as connection:
            for user_id in (users.alice, users.bob):
                connection.execute("INSERT INTO users (id, email) VALUES (%s, %s)", (user_id, f"{user_id}@double.test"))
                phenom_id = connection.execute(
                    "INSERT INTO phenoms (owner_id, lat, lng, media_type) VALUES (%s, 1.5, 2, 'image') RETURNING id",
                    (user_id,),
                ).fetchone()[0]
                connection.execute(
                    "INSERT INTO phenom_media (phenom_id, sort_order, original_filename, s3_key) "
                    "VALUES (%s, 0, 'a.jpg', %s)",
                    (phenom_id, f"media/{phenom_id}/0_a.jpg"),
                )
                users.phenoms[user_id] = str(phenom_id)
        yield users
    finally:
        with psycopg.connect(double_database_url, autocommit=True) as connection:
            connection.execute("DELETE FROM users WHERE id = ANY(%s::uuid[])", ([users.alice, users.bob],))
