"""Fixtures for the engine double's own contract tests: embedded Postgres, a JWKS, an action handler, the double.

Import the fixtures a test module needs from here (the shared conftest belongs to the stack's suites).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jwt
import psycopg
import pytest
import requests

from tests.contract.double_servers import (
    ActionHandler,
    LoopbackServer,
    SigningKey,
    action_handler_class,
    jwks_handler_class,
    new_key,
)
from tests.stack.hasura_double import HasuraDouble
from tests.stack.hasura_project import apply_metadata, apply_migrations, metadata_json
from tests.stack.postgres import EmbeddedPostgres

HASURA_PROJECT_DIR = Path(__file__).resolve().parents[2] / "hasura"

CLAIMS_NAMESPACE = "https://hasura.io/jwt/claims"
AUDIENCE = "double-test-client"
ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_doubletest"
KEY_ID = "double-test-key"
HTTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class DoubleEndpoints:
    """A running double: its URLs, admin secret and the JWT config it was started with."""

    url: str
    admin_secret: str = field(repr=False)
    jwt_config: dict

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/v1/graphql"

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/metadata"

    @property
    def query_url(self) -> str:
        return f"{self.url}/v2/query"

    @property
    def admin_headers(self) -> dict[str, str]:
        return {"x-hasura-admin-secret": self.admin_secret}

    def graphql(self, query: str, variables: dict | None = None, headers: dict | None = None) -> dict:
        """POST a GraphQL request; assert Hasura's HTTP 200 and return the JSON body."""
        response = requests.post(self.graphql_url, json={"query": query, "variables": variables or {}},
                                 headers=self.admin_headers if headers is None else headers,
                                 timeout=HTTP_TIMEOUT_SECONDS)
        assert response.status_code == 200, response.text
        return response.json()

    def as_user(self, user_id: str, role: str = "user") -> dict[str, str]:
        """Admin-secret headers that impersonate `role` with this user id."""
        return {**self.admin_headers, "x-hasura-role": role, "x-hasura-user-id": user_id}

    def post(self, url: str, body: dict, headers: dict | None = None) -> requests.Response:
        return requests.post(url, json=body, headers=self.admin_headers if headers is None else headers,
                             timeout=HTTP_TIMEOUT_SECONDS)


@pytest.fixture(scope="session")
def double_database_url() -> Iterator[str]:
    """An empty embedded Postgres for the double's own tests (hasura_double migrates it through /v2/query)."""
    with EmbeddedPostgres() as url:
        yield url


@pytest.fixture(scope="session")
def double_signing_key() -> SigningKey:
    """The key the test JWKS publishes."""
    return new_key(KEY_ID)


@pytest.fixture(scope="session")
def double_jwks_url(double_signing_key: SigningKey) -> Iterator[str]:
    """URL of a JWKS that publishes `double_signing_key`."""
    server = LoopbackServer(jwks_handler_class([double_signing_key]))
    try:
        yield f"{server.url}/.well-known/jwks.json"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def action_handler_server() -> Iterator[ActionHandler]:
    """The scripted action handler on loopback, for the whole session."""
    handler = ActionHandler()
    server = LoopbackServer(action_handler_class(handler))
    handler.url = server.url + "/actions"
    try:
        yield handler
    finally:
        handler.release.set()
        server.stop()


@pytest.fixture
def action_handler(action_handler_server: ActionHandler) -> Iterator[ActionHandler]:
    """The scripted action handler, with no queued replies or recorded calls left from other tests."""
    action_handler_server.reset()
    yield action_handler_server
    action_handler_server.release.set()


def jwt_config(jwks_url: str) -> dict:
    """HASURA_GRAPHQL_JWT_SECRET as the project configures it, for the test JWKS."""
    return {"type": "RS256", "jwk_url": jwks_url, "claims_namespace": CLAIMS_NAMESPACE,
            "claims_format": "stringified_json", "audience": AUDIENCE, "issuer": ISSUER}


@pytest.fixture(scope="session")
def start_double(double_database_url: str, double_jwks_url: str, action_handler_server: ActionHandler):
    """Start a double on the test database; the caller stops it (env overrides merge into the defaults)."""
    def start(env: dict[str, str] | None = None) -> tuple[HasuraDouble, DoubleEndpoints]:
        secret = uuid.uuid4().hex
        config = jwt_config(double_jwks_url)
        double = HasuraDouble(double_database_url, secret, config, {
            "PG_DATABASE_URL": double_database_url,
            "HASURA_ACTION_PHENOM_URL": action_handler_server.url,
            **(env or {}),
        })
        return double, DoubleEndpoints(double.start(), secret, config)

    return start


@pytest.fixture(scope="session")
def hasura_double(start_double, double_database_url: str) -> Iterator[DoubleEndpoints]:
    """The double with the project's migrations (through /v2/query) and metadata applied."""
    double, endpoints = start_double()
    try:
        apply_migrations(endpoints.query_url, endpoints.admin_secret, HASURA_PROJECT_DIR)
        apply_metadata(endpoints.metadata_url, endpoints.admin_secret, HASURA_PROJECT_DIR)
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


@pytest.fixture
def mint_token(double_signing_key: SigningKey) -> Callable[..., str]:
    """Mint an RS256 ID token like the Cognito trigger makes (claims and header overridable)."""
    def mint(sub: str, *, key: SigningKey | None = None, hasura_claims: dict | None = None, drop: tuple = (),
             headers: dict | None = None, **claims) -> str:
        now = int(time.time())
        hasura = {"x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user"], "x-hasura-user-id": sub}
        payload = {"sub": sub, "aud": AUDIENCE, "iss": ISSUER, "token_use": "id", "iat": now, "exp": now + 600,
                   CLAIMS_NAMESPACE: json.dumps(hasura if hasura_claims is None else hasura_claims), **claims}
        for name in drop:
            payload.pop(name, None)
        signer = key or double_signing_key
        return jwt.encode(payload, signer.private_key, algorithm="RS256",
                          headers={"kid": signer.kid, **(headers or {})})

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
    with psycopg.connect(double_database_url, autocommit=True) as connection:
        for user_id in (users.alice, users.bob):
            connection.execute("INSERT INTO users (id, email) VALUES (%s, %s)", (user_id, f"{user_id}@double.test"))
            phenom_id = connection.execute(
                "INSERT INTO phenoms (owner_id, lat, lng, media_type) VALUES (%s, 1.5, 2, 'image') RETURNING id",
                (user_id,)).fetchone()[0]
            connection.execute(
                "INSERT INTO phenom_media (phenom_id, sort_order, original_filename, s3_key) "
                "VALUES (%s, 0, 'a.jpg', %s)",
                (phenom_id, f"media/{phenom_id}/0_a.jpg"))
            users.phenoms[user_id] = str(phenom_id)
    try:
        yield users
    finally:
        with psycopg.connect(double_database_url, autocommit=True) as connection:
            connection.execute("DELETE FROM users WHERE id = ANY(%s::uuid[])", ([users.alice, users.bob],))
