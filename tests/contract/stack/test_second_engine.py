"""phenom_stack.second_engine: an engine beside the stack's, with a metadata of its own, that leaves nothing behind."""

from __future__ import annotations

import psycopg
import pytest
import requests

from phenom_stack.second_engine import second_engine

# It counts every engine database on the server, so no other worker's second engine may come or go meanwhile.
pytestmark = [pytest.mark.contract, pytest.mark.exclusive_stack]

HTTP_TIMEOUT_SECONDS = 10
ENGINE_DATABASES = "SELECT datname FROM pg_database WHERE datname LIKE 'phenom_engine_%'"


def _engine_databases(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as connection:
        return {name for (name,) in connection.execute(ENGINE_DATABASES)}


def _typename(graphql_url: str, admin_secret: str) -> int:
    answer = requests.post(
        graphql_url,
        json={"query": "{ __typename }"},
        headers={"x-hasura-admin-secret": admin_secret},
        timeout=HTTP_TIMEOUT_SECONDS,
    )
    return answer.status_code


def test_a_second_engine_serves_beside_the_stack_and_leaves_no_database_or_process(local_stack, tmp_path):
    # GIVEN the stack's Postgres with no engine database of a second engine
    before = _engine_databases(local_stack.database_url)
    # WHEN a second engine runs beside the stack
    with second_engine(local_stack, tmp_path) as beside:
        # THEN it answers on URLs of its own, with a metadata database of its own
        assert beside.graphql_url != local_stack.graphql_url
        assert _typename(beside.graphql_url, local_stack.admin_secret) == 200
        assert len(_engine_databases(local_stack.database_url) - before) == 1
    # AND once it is stopped, its database is gone and it no longer answers, while the stack's engine still does
    assert _engine_databases(local_stack.database_url) == before
    with pytest.raises(requests.ConnectionError):
        _typename(beside.graphql_url, local_stack.admin_secret)
    assert _typename(local_stack.graphql_url, local_stack.admin_secret) == 200
