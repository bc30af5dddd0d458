"""Fixtures of the load test: its own Cognito users on the local stack, one headless Locust run against them, and
the run's figures (requests per second, p50 and p95 per step) in the terminal summary."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from phenom_stack.aws_bootstrap import confirmed_user
from phenom_stack.local_stack import LocalStack, StackUser
from tests.load import leftovers
from tests.load.locust_process import LocustRun, run_locust
from tests.plugins.load import (
    DISTRIBUTED_RUN_SECONDS,
    DISTRIBUTED_WORKERS,
    LOCUST_RUNS,
    RUN_SECONDS,
    SIMULATED_USERS,
    configured_workers,
)

SPAWN_RATE = 10


@pytest.fixture(scope="module")
def load_users(
    local_stack: LocalStack, cognito_client, s3_client, database_url: str, request
) -> Iterator[list[StackUser]]:
    """Fresh confirmed Cognito users phenom-load-<run>-<n>@phenom.local (random passwords), removed with their data after."""
    run = uuid.uuid4().hex[:8]
    users: list[StackUser] = []
    try:
        for number in range(SIMULATED_USERS):
            email = f"phenom-load-{run}-{number}@phenom.local"
            users.append(confirmed_user(cognito_client, local_stack.user_pool_id, local_stack.client_id, email))
        yield users
    finally:
        subs = [user.sub for user in users]
        created = leftovers.phenom_ids_owned_by(database_url, subs)
        for locust_run in request.config.stash.get(LOCUST_RUNS, []):
            created += [upload.phenom_id for upload in locust_run.uploads]
        leftovers.remove(database_url, s3_client, local_stack.media_bucket, subs, created)
        for user in users:
            cognito_client.admin_delete_user(UserPoolId=local_stack.user_pool_id, Username=user.username)


@pytest.fixture(scope="module", params=["main", "distributed"])
def locust_run(local_stack: LocalStack, load_users: list[StackUser], tmp_path_factory, request) -> LocustRun:
    """One headless Locust run, SIMULATED_USERS users (one Cognito user each) against the stack: "main" for RUN_SECONDS
    with PHENOM_LOAD_WORKERS worker processes (0: one process), "distributed" shorter, a master and two workers."""
    workers, seconds = (
        (configured_workers(), RUN_SECONDS)
        if request.param == "main"
        else (DISTRIBUTED_WORKERS, DISTRIBUTED_RUN_SECONDS)
    )
    run = run_locust(
        local_stack,
        load_users,
        tmp_path_factory.mktemp("locust"),
        simulated_users=SIMULATED_USERS,
        spawn_rate=SPAWN_RATE,
        run_seconds=seconds,
        workers=workers,
    )
    request.config.stash.setdefault(LOCUST_RUNS, []).append(run)
    return run
