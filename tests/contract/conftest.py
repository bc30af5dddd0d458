"""Fixtures of the contract suite beyond the stack plugin's: the engine's admin APIs and a scratch database."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
import requests
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.stack.endpoints import LocalStack

ADMIN_API_TIMEOUT_SECONDS = 30


def _admin_api(url: str, admin_secret: str) -> Callable[[dict], dict]:
    def call(body: dict) -> dict:
        response = requests.post(url, json=body, headers={"x-hasura-admin-secret": admin_secret},
                                 timeout=ADMIN_API_TIMEOUT_SECONDS)
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
    name = f"phenom_scratch_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_conninfo(**{**conninfo_to_dict(database_url), "dbname": name})
    finally:
        with psycopg.connect(database_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
