"""The docker stack for real: `phenom-stack up --stack docker` runs Postgres 17.4 and the Hasura image of the
Terraform task definition in containers, with the same AWS part and Lambdas, and removes them on SIGTERM.

Skipped (with the reason in NO_DOCKER_ENGINE_REASON) where no Docker engine answers.
"""

from __future__ import annotations

import signal

import pytest
import requests

from phenom_infra.facts import hasura_image
from phenom_stack.moto_clients import moto_client
from tests.contract.stack_cli_process import STOP_TIMEOUT_SECONDS, phenom_stack_up, traversable_tmpdir

pytestmark = [pytest.mark.contract, pytest.mark.docker]

# Pulling postgres and graphql-engine images can take minutes on a cold machine.
READY_TIMEOUT_SECONDS = 600
HTTP_TIMEOUT_SECONDS = 10


def hasura_containers() -> set[str]:
    import docker

    client = docker.from_env()
    try:
        return {container.id for container in client.containers.list(filters={"ancestor": hasura_image()})}
    finally:
        client.close()


@pytest.fixture(scope="module")
def docker_stack(tmp_path_factory):
    """`phenom-stack up --json --stack docker` running: (process, document, Hasura containers from before)."""
    before = hasura_containers()
    stderr_path = tmp_path_factory.mktemp("phenom-stack-docker") / "stderr.txt"
    with (
        traversable_tmpdir() as tmpdir,
        phenom_stack_up("docker", tmpdir, stderr_path, READY_TIMEOUT_SECONDS) as (process, document),
    ):
        yield process, document, before


def test_runs_the_production_engine_version(docker_stack):
    _, document, _ = docker_stack
    base_url = document["graphql_url"].rsplit("/v1/graphql", 1)[0]
    version = requests.get(f"{base_url}/v1/version", timeout=HTTP_TIMEOUT_SECONDS).json()["version"]
    assert document["stack"] == "docker"
    # The tag is v2.48.5-ce; the engine may report the version with or without the edition suffix.
    assert version.startswith(hasura_image().rsplit(":", 1)[1].removesuffix("-ce"))


def test_user_token_sees_only_own_row(docker_stack):
    # GIVEN the smoke user's ID token from the stack's Cognito (with the trigger's claims)
    _, document, _ = docker_stack
    user = document["users"][0]
    tokens = moto_client("cognito-idp", document["aws_endpoint_url"]).initiate_auth(
        ClientId=document["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user["username"], "PASSWORD": user["password"]},
    )["AuthenticationResult"]
    # WHEN the real engine is asked for users with it
    response = requests.post(
        document["graphql_url"],
        json={"query": "{ users { email } }"},
        headers={"Authorization": f"Bearer {tokens['IdToken']}"},
        timeout=HTTP_TIMEOUT_SECONDS,
    )
    # THEN Hasura verified the token against moto's JWKS and applied the user role's filter
    assert response.json() == {"data": {"users": [{"email": user["username"]}]}}


def test_sigterm_removes_the_containers(docker_stack):
    process, _, before = docker_stack
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=STOP_TIMEOUT_SECONDS) == 0
    assert hasura_containers() - before == set()
