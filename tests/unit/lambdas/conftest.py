"""Unit fixtures: signing keys, a fake Hasura and JWKS on loopback, moto in-process, fresh Lambda containers."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import boto3
import botocore.endpoint
import botocore.loaders
import pytest
from botocore.exceptions import EndpointConnectionError
from moto import mock_aws

from lambdas.action_handler import handler as action_handler_module
from lambdas.action_handler.config import ActionConfig
from lambdas.action_handler.services import ActionServices
from lambdas.cognito_sync_users.sync import users_columns
from lambdas.shared import deadline
from lambdas.shared.app_secrets import read_app_secrets
from lambdas.shared.aws import aws_client
from lambdas.shared.log import JsonFormatter
from phenom_stack.botocore_data import botocore_data_read_once as read_once
from tests.kit.clock import FakeClock
from tests.kit.fake_hasura import FakeHasura
from tests.kit.fixture_values import ADMIN_SECRET, APP_SECRETS_ID, MEDIA_BUCKET, REGION
from tests.kit.loopback_http import LoopbackServer, Reply
from tests.kit.tokens import (
    APP_CLIENT_ID,
    JWKS_PATH,
    USER_POOL_ID,
    MintedToken,
    SigningKey,
    id_claims,
    jwks,
    new_signing_key,
    signed_token,
)


@pytest.fixture(scope="session", autouse=True)
def botocore_data_read_once() -> Iterator[None]:
    """botocore's data read once per run (phenom_stack.botocore_data): moto gives every test a fresh boto3 session,
    and each one listing and parsing it again was most of a test's time (and of every mutant's run)."""
    with read_once():
        yield


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    """The RSA key the unit-test pool's JWKS publishes."""
    return new_signing_key("unit-key-1")


@pytest.fixture(scope="session")
def stranger_key() -> SigningKey:
    """An RSA key the JWKS does not publish (forged signatures, unknown kids)."""
    return new_signing_key("stranger-key")


@pytest.fixture(scope="session")
def loopback_server() -> Iterator[LoopbackServer]:
    """One loopback HTTP server for the session, serving the fake Hasura and the JWKS."""
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def fake_hasura(loopback_server: LoopbackServer, signing_key: SigningKey) -> Iterator[FakeHasura]:
    """A fake Hasura admin endpoint with no answers yet; the pool's JWKS is served on the same server."""
    loopback_server.reset()
    hasura = FakeHasura(loopback_server)
    loopback_server.route("GET", JWKS_PATH, lambda request: Reply(200, jwks(signing_key)))
    try:
        yield hasura
    finally:
        hasura.release()


@pytest.fixture
def jwks_fetches(loopback_server: LoopbackServer, fake_hasura: FakeHasura) -> Any:
    """A function counting the JWKS requests served so far."""
    return lambda: sum(1 for request in loopback_server.requests if request.path == JWKS_PATH)


@pytest.fixture(autouse=True)
def fresh_container() -> Iterator[None]:
    """Every test starts as a cold Lambda container: no cached clients, secrets, services or columns."""
    caches = (aws_client, read_app_secrets, action_handler_module.action_services, users_columns)
    for cached in caches:
        cached.cache_clear()
    yield
    for cached in caches:
        cached.cache_clear()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto in-process for every AWS call, with fake credentials and no endpoint override."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield


@pytest.fixture
def s3(aws: None) -> Any:
    """A boto3 S3 client on moto, with the media bucket created."""
    client = boto3.client("s3", region_name=REGION)
    client.create_bucket(Bucket=MEDIA_BUCKET)
    return client


@pytest.fixture
def app_secret(aws: None) -> str:
    """The id of the app secret in moto, holding the admin secret as the Lambdas expect it."""
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=APP_SECRETS_ID,
        SecretString=json.dumps(
            {"graphql_admin_secret": ADMIN_SECRET, "database_url": "unused", "jwt_secret": "unused"}
        ),
    )
    return APP_SECRETS_ID


@pytest.fixture
def action_config(fake_hasura: FakeHasura, loopback_server: LoopbackServer) -> ActionConfig:
    """The action handler's config for the fake Hasura, the loopback JWKS and the moto bucket."""
    return ActionConfig(
        app_secrets_id=APP_SECRETS_ID,
        media_bucket=MEDIA_BUCKET,
        graphql_url=fake_hasura.url,
        user_pool_id=USER_POOL_ID,
        app_client_id=APP_CLIENT_ID,
        aws_endpoint_url=loopback_server.url,
    )


@pytest.fixture
def action_services(
    action_config: ActionConfig, s3: Any, app_secret: str, monkeypatch: pytest.MonkeyPatch
) -> ActionServices:
    """The real ActionServices on the unit-test endpoints, also handed to handler() as this container's services."""
    services = ActionServices(action_config)
    monkeypatch.setattr(action_handler_module, "action_services", lambda: services)
    return services


@pytest.fixture
def trigger_env(fake_hasura: FakeHasura, app_secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment Terraform gives both Cognito triggers, pointed at the fake Hasura and the moto secret."""
    monkeypatch.setenv("APP_SECRETS_ID", app_secret)
    monkeypatch.setenv("HASURA_GRAPHQL_URL", fake_hasura.url)


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """The JSON log lines the Lambdas write during the test, as written."""
    lines: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    collector = Collector()
    collector.setFormatter(JsonFormatter())
    logger = logging.getLogger("phenom")
    logger.addHandler(collector)
    try:
        yield lines
    finally:
        logger.removeHandler(collector)


@pytest.fixture
def id_token(signing_key: SigningKey) -> MintedToken:
    """A valid ID token of a fresh user of the unit-test pool."""
    claims = id_claims(email="alice@example.com")
    return MintedToken(sub=claims["sub"], email=claims["email"], token=signed_token(signing_key, claims))


@pytest.fixture
def owned_row(fake_hasura: FakeHasura, id_token: MintedToken) -> dict[str, Any]:
    """The phenoms row of one phenom the caller owns, kept by the fake Hasura as deletePhenom's claim, release and
    delete documents change it."""
    row: dict[str, Any] = {"id": str(uuid.uuid4()), "owner_id": id_token.sub, "deletion_started_at": None}
    row["deleted"] = False

    def affected(operation: str, count: int) -> tuple[int, Any]:
        return 200, {"data": {operation: {"affected_rows": count}}}

    def claim(variables: Mapping[str, Any]) -> tuple[int, Any]:
        claimed_at = row["deletion_started_at"]
        free = not row["deleted"] and (
            claimed_at is None or datetime.fromisoformat(claimed_at) < datetime.fromisoformat(variables["leaseCutoff"])
        )
        if not free or (variables["id"], variables["ownerId"]) != (row["id"], row["owner_id"]):
            return affected("update_phenoms", 0)
        row["deletion_started_at"] = variables["now"]
        return affected("update_phenoms", 1)

    def holding(variables: Mapping[str, Any]) -> bool:
        return not row["deleted"] and (variables["id"], variables["claimedAt"]) == (
            row["id"],
            row["deletion_started_at"],
        )

    def release(variables: Mapping[str, Any]) -> tuple[int, Any]:
        if not holding(variables):
            return affected("update_phenoms", 0)
        row["deletion_started_at"] = None
        return affected("update_phenoms", 1)

    def delete(variables: Mapping[str, Any]) -> tuple[int, Any]:
        if not holding(variables):
            return affected("delete_phenoms", 0)
        row["deleted"] = True
        return affected("delete_phenoms", 1)

    fake_hasura.answer("ClaimPhenomDeletion", claim)
    fake_hasura.answer("ReleasePhenomDeletion", release)
    fake_hasura.answer("DeletePhenom", delete)
    return row


@pytest.fixture
def owned_phenom(owned_row: dict[str, Any]) -> str:
    """The id of a phenom the caller owns, its row kept by the fake Hasura (owned_row)."""
    return owned_row["id"]


@pytest.fixture
def hasura_timeouts(action_services: ActionServices) -> list[float | None]:
    """The timeout of every call the services' Hasura client makes from now on, in order."""
    timeouts: list[float | None] = []
    real_execute = action_services.hasura.execute

    def recording_execute(document: str, variables: Any = None, *, timeout: float | None = None) -> Any:
        timeouts.append(timeout)
        return real_execute(document, variables, timeout=timeout)

    action_services.hasura = SimpleNamespace(execute=recording_execute)  # type: ignore[assignment]
    return timeouts


@pytest.fixture
def deadline_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock every Deadline reads, standing still until the test moves it: a budget is then exactly what the
    test gave, however slow the machine, while sockets still time out in real time."""
    clock = FakeClock()
    monkeypatch.setattr(deadline, "time", SimpleNamespace(monotonic=clock))
    return clock


NoAnswer = Callable[[str], Exception]


@pytest.fixture
def unanswered_calls(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[str]]:
    """A function making every attempt of a boto3 client's calls fail as botocore reports a service that gives no
    answer (refused, by default), and returning the URLs attempted; botocore's backoff between attempts is skipped."""
    monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=lambda seconds: None))

    def unanswered(client: Any, fault: NoAnswer = lambda url: EndpointConnectionError(endpoint_url=url)) -> list[str]:
        attempts: list[str] = []

        def no_answer(request: Any, **_: Any) -> None:
            attempts.append(request.url)
            raise fault(request.url)

        client.meta.events.register(f"before-send.{client.meta.service_model.service_id.hyphenize()}", no_answer)
        return attempts

    return unanswered
