"""pytest plugin: the local stack, started once per session when a selected test needs it, and thin fixtures over it.

The header names the stack kind --stack resolves to. Right after collection, when any selected test uses the stack,
the stack starts and its measured start (kind, seconds, share of each part) is printed before the first test, so a
suite that never needs it never starts it. Tests marked `docker` skip where no Docker engine answers.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest

from phenom_stack.docker_engine import NO_DOCKER_ENGINE_REASON, docker_engine_answers, resolve_stack_kind
from phenom_stack.errors import DockerUnavailableError
from phenom_stack.local_stack import LocalStack, StackUser
from tests.plugins import shared_stack

STARTED_STACK = pytest.StashKey[LocalStack]()
_STACK_LIFETIME = pytest.StashKey[ExitStack]()


def header_line(config: pytest.Config) -> str:
    """The stack kind --stack resolves to, for the report header."""
    stack_file = config.getoption("--stack-file")
    if stack_file:
        return f"phenom stack: the running stack described in {stack_file} (--stack-file; nothing is started)"
    requested = config.getoption("--stack")
    try:
        kind = resolve_stack_kind(requested)
    except DockerUnavailableError:
        return f"phenom stack: docker requested, but {NO_DOCKER_ENGINE_REASON} (tests that need the stack will fail)"
    why = {"hermetic": "no Docker engine answers", "docker": "a Docker engine answers"}[kind]
    chosen = f"{kind} (--stack auto: {why})" if requested == "auto" else kind
    return f"phenom stack: {chosen}; started after collection when a selected test needs it"


def skip_docker_tests(items: list[pytest.Item]) -> None:
    """Mark the selected `docker` tests skipped where no Docker engine answers."""
    needs_docker = [item for item in items if item.get_closest_marker("docker")]
    if needs_docker and not docker_engine_answers():
        skip = pytest.mark.skip(reason=NO_DOCKER_ENGINE_REASON)
        for item in needs_docker:
            item.add_marker(skip)


def start_if_needed(session: pytest.Session) -> None:
    """Start (or attach to) the stack when a selected test needs it, and print how it started."""
    if session.config.option.collectonly or not any(needs_stack(session.config, item) for item in session.items):
        return
    stack = _start_stack(session.config)
    terminal = session.config.pluginmanager.get_plugin("terminalreporter")
    if terminal is None:
        return
    if session.config.getoption("--stack-file") or shared_stack.shared_dir(session.config):
        terminal.write_line(f"phenom stack: attached to the running {stack.stack} stack")
    else:
        parts = ", ".join(f"{part} {seconds:.2f}s" for part, seconds in stack.start_timings.items())
        terminal.write_line(f"phenom stack: {stack.stack} started in {stack.started_in_seconds:.2f}s ({parts})")
    terminal.write_line(
        f"phenom stack: graphql {stack.graphql_url}  action {stack.action_url}  aws {stack.aws_endpoint_url}"
    )


def stop(config: pytest.Config) -> None:
    """Stop the session's stack, if this run started one."""
    lifetime = config.stash.get(_STACK_LIFETIME, None)
    if lifetime is not None:
        lifetime.close()


def needs_stack(config: pytest.Config, item: pytest.Item) -> bool:
    """Whether the test uses the session's stack."""
    # phenom_env asks for the stack at run time (getfixturevalue) and only for --env local, so it is not in the
    # static fixture closure.
    return "local_stack" in item.fixturenames or (
        config.getoption("--env") == "local" and "phenom_env" in item.fixturenames
    )


def _start_stack(config: pytest.Config) -> LocalStack:
    """The session's stack, started now if it is not running yet; it stops when pytest unconfigures."""
    if STARTED_STACK in config.stash:
        return config.stash[STARTED_STACK]
    stack_file = config.getoption("--stack-file")
    shared = shared_stack.shared_dir(config)
    if stack_file:
        config.stash[STARTED_STACK] = _attached_stack(Path(stack_file))
    elif shared is not None:
        config.stash[STARTED_STACK] = shared_stack.attach_or_start(shared, config.getoption("--stack"))
    else:
        # Imported here: every suite loads this plugin, and only the stack needs moto, boto3 and Postgres.
        from phenom_stack.stack import run_local_stack

        lifetime = ExitStack()
        config.stash[_STACK_LIFETIME] = lifetime
        config.stash[STARTED_STACK] = lifetime.enter_context(run_local_stack(config.getoption("--stack")))
    return config.stash[STARTED_STACK]


def _attached_stack(path: Path) -> LocalStack:
    """The running stack `phenom-stack up --json` described in `path`; a usage error says how to get one."""
    try:
        return LocalStack.from_json(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise pytest.UsageError(
            f"--stack-file {path}: no running stack described there ({type(error).__name__}); start one with "
            f"`.venv/bin/phenom-stack up --json > {path}` and wait for the line, or drop --stack-file"
        ) from None


def started_stack_client(config: pytest.Config, service: str):
    """A boto3 client for `service` on the moto server of the stack this session started or attached to."""
    return _moto_client(config.stash[STARTED_STACK], service)


def _moto_client(local_stack: LocalStack, service: str):
    # Imported here, like the stack itself: boto3 is not needed by suites that never start it.
    from phenom_stack.moto_clients import moto_client

    return moto_client(service, local_stack.aws_endpoint_url)


@pytest.fixture(scope="session")
def local_stack(request: pytest.FixtureRequest) -> LocalStack:
    """The local stack of the --stack kind, running for the whole session (started after collection)."""
    return _start_stack(request.config)


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
    """The moto server's URL (Cognito, S3, Secrets Manager, CloudWatch)."""
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
def cloudwatch_client(local_stack: LocalStack):
    """A boto3 CloudWatch client on the stack's moto server (where --phenom-metrics publishes for --env local)."""
    return _moto_client(local_stack, "cloudwatch")


@pytest.fixture(scope="session")
def database_url(local_stack: LocalStack) -> str:
    """The stack's Postgres database URL (the engine's `default` source)."""
    return local_stack.database_url
