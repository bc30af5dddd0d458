"""pytest plugin: the local stack, started once per session on first use, and thin fixtures over it.

The header names the stack kind --stack resolves to; the terminal summary reports the measured start (only when a
test asked for the stack, so suites that never need it never start it). Tests marked `docker` skip where no
Docker engine answers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stack.docker_engine import NO_DOCKER_ENGINE_REASON, docker_engine_answers, resolve_stack_kind
from tests.stack.endpoints import LocalStack, StackUser
from tests.stack.errors import DockerUnavailableError

STARTED_STACK = pytest.StashKey[LocalStack]()


def pytest_report_header(config: pytest.Config) -> str:
    requested = config.getoption("--stack")
    try:
        kind = resolve_stack_kind(requested)
    except DockerUnavailableError:
        return f"phenom stack: docker requested, but {NO_DOCKER_ENGINE_REASON} (tests that need the stack will fail)"
    why = {"hermetic": "no Docker engine answers", "docker": "a Docker engine answers"}[kind]
    chosen = f"{kind} (--stack auto: {why})" if requested == "auto" else kind
    return f"phenom stack: {chosen}; started on first use"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    needs_docker = [item for item in items if item.get_closest_marker("docker")]
    if needs_docker and not docker_engine_answers():
        skip = pytest.mark.skip(reason=NO_DOCKER_ENGINE_REASON)
        for item in needs_docker:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    stack = config.stash.get(STARTED_STACK, None)
    if stack is None:
        return
    parts = ", ".join(f"{part} {seconds:.2f}s" for part, seconds in stack.start_timings.items())
    terminalreporter.write_sep("-", "phenom local stack")
    terminalreporter.write_line(f"{stack.stack} stack started in {stack.started_in_seconds:.2f}s ({parts})")
    terminalreporter.write_line(f"graphql {stack.graphql_url}  action {stack.action_url}  aws {stack.aws_endpoint_url}")


def _moto_client(local_stack: LocalStack, service: str):
    # Imported here, like the stack itself: boto3 is not needed by suites that never start it.
    from tests.stack.aws_clients import aws_client

    return aws_client(service, local_stack.aws_endpoint_url)


@pytest.fixture(scope="session")
def local_stack(request: pytest.FixtureRequest) -> Iterator[LocalStack]:
    """The local stack of the --stack kind, started on first use and stopped at the end of the session."""
    # Imported here: every suite loads this plugin, and only the stack needs moto, boto3 and Postgres.
    from tests.stack.stack import run_local_stack

    with run_local_stack(request.config.getoption("--stack")) as stack:
        request.config.stash[STARTED_STACK] = stack
        yield stack


@pytest.fixture(scope="session")
def graphql_url(local_stack: LocalStack) -> str:
    """The engine's GraphQL endpoint (/v1/graphql)."""
    return local_stack.graphql_url


@pytest.fixture(scope="session")
def action_url(local_stack: LocalStack) -> str:
    """The action handler's Function URL on loopback."""
    return local_stack.action_url


@pytest.fixture(scope="session")
def admin_secret(local_stack: LocalStack) -> str:
    """The engine's admin secret (also in the app secret as graphql_admin_secret)."""
    return local_stack.admin_secret


@pytest.fixture(scope="session")
def stack_users(local_stack: LocalStack) -> tuple[StackUser, ...]:
    """The confirmed Cognito users of the local pool; the first one is the smoke user."""
    return local_stack.users


@pytest.fixture(scope="session")
def aws_endpoint_url(local_stack: LocalStack) -> str:
    """The moto server's URL (Cognito, S3, Secrets Manager)."""
    return local_stack.aws_endpoint_url


@pytest.fixture(scope="session")
def s3_client(local_stack: LocalStack):
    """A boto3 S3 client on the stack's moto server (path-style addressing)."""
    return _moto_client(local_stack, "s3")


@pytest.fixture(scope="session")
def cognito_client(local_stack: LocalStack):
    """A boto3 cognito-idp client on the stack's moto server."""
    return _moto_client(local_stack, "cognito-idp")


@pytest.fixture(scope="session")
def secrets_client(local_stack: LocalStack):
    """A boto3 Secrets Manager client on the stack's moto server."""
    return _moto_client(local_stack, "secretsmanager")


@pytest.fixture(scope="session")
def database_url(local_stack: LocalStack) -> str:
    """The stack's Postgres database URL (the engine's `default` source)."""
    return local_stack.database_url
