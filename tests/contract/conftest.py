"""Fixtures of the contract suite beyond the stack plugin's: the engine's admin APIs, a scratch database, the
stack's users signed in, what an action changed in the stores, and the cleanup of phenoms a refused call created anyway."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests

from phenom_stack.local_stack import LocalStack
from phenom_stack.scratch_database import scratch_database
from tests.contract.cleanup import delete_phenom_as
from tests.contract.sign_in import SignedInUser, sign_in_stack_user
from tests.contract.state import changes_made_by

ADMIN_API_TIMEOUT_SECONDS = 30


def _admin_api(url: str, admin_secret: str) -> Callable[[dict], dict]:
    def call(body: dict) -> dict:
        response = requests.post(
            url, json=body, headers={"x-hasura-admin-secret": admin_secret}, timeout=ADMIN_API_TIMEOUT_SECONDS
        )
        assert response.status_code == 200, f"{body.get('type')} answered HTTP {response.status_code}: {response.text}"
        return response.json()

    return call


@pytest.fixture(scope="session")
def metadata_api(local_stack: LocalStack) -> Callable[[dict], dict]:
    """POST a body to the engine's /v1/metadata as admin; the JSON answer (a non-200 fails the test)."""
    return _admin_api(local_stack.metadata_url, local_stack.admin_secret)


@pytest.fixture(scope="session")
def query_api(local_stack: LocalStack) -> Callable[[dict], dict]:
    """POST a body to the engine's /v2/query (run_sql) as admin; the JSON answer (a non-200 fails the test)."""
    return _admin_api(local_stack.query_url, local_stack.admin_secret)


@pytest.fixture
def scratch_database_url(database_url: str) -> Iterator[str]:
    """An empty database on the stack's Postgres server (not the stack's database), dropped afterwards."""
    with scratch_database(database_url, "phenom_scratch_") as url:
        yield url


@pytest.fixture(scope="session")
def user_a(local_stack: LocalStack, cognito_client) -> SignedInUser:
    """The stack's first user, signed in: the owner in isolation and identity tests."""
    return sign_in_stack_user(local_stack, cognito_client, 0)


@pytest.fixture(scope="session")
def user_b(local_stack: LocalStack, cognito_client) -> SignedInUser:
    """The stack's second user, signed in: the intruder in isolation and identity tests."""
    return sign_in_stack_user(local_stack, cognito_client, 1)


@pytest.fixture(scope="session")
def store_changes(local_stack: LocalStack, s3_client) -> Callable[[Callable[[], object]], str]:
    """A function that runs an action and lists what it changed in the stack's rows and media bucket."""
    return lambda action: changes_made_by(action, local_stack.database_url, s3_client, local_stack.media_bucket)


@pytest.fixture
def leaked_phenoms(action_url: str) -> Iterator[list[tuple[SignedInUser, str]]]:
    """A list for (owner, phenom id) of phenoms a refused call created anyway; deleted after the test's own checks."""
    leaked: list[tuple[SignedInUser, str]] = []
    try:
        yield leaked
    finally:
        for owner, phenom_id in leaked:
            delete_phenom_as(action_url, owner, phenom_id)
