"""pytest plugin: `--env` picks one section of phenom_client/environments.toml; `phenom_env` gives it as an EnvConfig and
`smoke_credentials` gives the smoke user's password and `phenom_thresholds` its step limits. A bad env, a missing key,
a bad limit, or contract tests aimed at a cloud environment stop the run before any test."""

from __future__ import annotations

import os
import re

import pytest

from phenom_client.credentials import (
    SmokeCredentials,
    resolve_smoke_credentials,
    secretsmanager_client,
    secretsmanager_reader,
)
from phenom_client.environments import (
    LOCAL,
    EnvConfig,
    StepThreshold,
    environment_section,
    load_environment,
    step_thresholds,
)
from phenom_client.errors import ConfigurationError, CredentialsUnavailable
from phenom_client.report import git_revision

SELECTED_ENV = pytest.StashKey[EnvConfig]()
# Set when the smoke credentials could not be read at all (no AWS credentials, no answer): an infra-error.
CREDENTIALS_UNREACHED = pytest.StashKey[bool]()
_SECTION = pytest.StashKey[dict[str, str]]()
_REVISION = pytest.StashKey[str]()
_POSITIVE_CONTRACT = re.compile(r"(?<!not )\bcontract\b")


def configure(config: pytest.Config) -> None:
    """Read the --env section; refuse contract tests aimed at a cloud env before collection."""
    name = config.getoption("env")
    try:
        config.stash[_SECTION] = environment_section(name)
        step_thresholds(name)
    except ConfigurationError as error:
        raise pytest.UsageError(str(error)) from None
    if name != LOCAL and _POSITIVE_CONTRACT.search(" ".join((config.option.markexpr or "").split())):
        raise pytest.UsageError(_contract_refusal(name))


def refuse_cloud_contracts(config: pytest.Config, items: list[pytest.Item]) -> None:
    """After -m has deselected: refuse contract tests against a cloud env (the round-trip, also smoke, may run)."""
    name = config.getoption("env")
    if name == LOCAL:
        return
    contract_only = [
        item.nodeid for item in items if item.get_closest_marker("contract") and not item.get_closest_marker("smoke")
    ]
    if contract_only:
        raise pytest.UsageError(f"{_contract_refusal(name)} ({len(contract_only)} selected, e.g. {contract_only[0]})")


def header_lines(config: pytest.Config) -> list[str]:
    """The env line and the git revision for the report header."""
    name = config.getoption("env")
    section = config.stash.get(_SECTION, {})
    if name == LOCAL:
        target = f"local stack (--stack {config.getoption('stack')}; its URLs are printed once it starts)"
    else:
        target = f"{section.get('graphql_url')} (region {section.get('region')}, pool {section.get('user_pool_id')})"
    return [f"phenom env: {name}: {target}", f"git revision: {revision(config)}"]


def revision(config: pytest.Config) -> str:
    """The checkout's git revision, asked of git once per run (the header and the round-trip report both show it)."""
    if _REVISION not in config.stash:
        config.stash[_REVISION] = git_revision(config.rootpath)
    return config.stash[_REVISION]


@pytest.fixture(scope="session")
def phenom_env(request: pytest.FixtureRequest) -> EnvConfig:
    """The selected environment's endpoints, ids and smoke user (for local, read from the running local stack)."""
    name = request.config.getoption("env")
    local_stack = request.getfixturevalue("local_stack") if name == LOCAL else None
    try:
        env = load_environment(name, local_stack=local_stack)
    except ConfigurationError as error:
        problem = str(error)
    else:
        request.config.stash[SELECTED_ENV] = env
        return env
    pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def smoke_credentials(request: pytest.FixtureRequest, phenom_env: EnvConfig) -> SmokeCredentials:
    """The smoke user's credentials from PHENOM_SMOKE_PASSWORD, else the env's secret; fails (never skips) without."""
    secrets = request.getfixturevalue("secrets_client") if phenom_env.is_local else secretsmanager_client(phenom_env)
    try:
        return resolve_smoke_credentials(phenom_env, environ=os.environ, read_secret=secretsmanager_reader(secrets))
    except CredentialsUnavailable as error:
        problem = str(error)
        request.config.stash[CREDENTIALS_UNREACHED] = error.unreached
    # Failing outside the except block keeps the message to one line, without the chained traceback.
    pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def phenom_thresholds(request: pytest.FixtureRequest) -> dict[str, StepThreshold]:
    """The selected environment's step limits (degraded_ms, failed_ms) from phenom_client/environments.toml."""
    return selected_thresholds(request.config)


def selected_thresholds(config: pytest.Config) -> dict[str, StepThreshold]:
    """The --env section's step limits; checked when the run configures, so this never raises here."""
    return step_thresholds(config.getoption("env"))


def _contract_refusal(name: str) -> str:
    return (
        f"the contract suite runs only against the local stack, not --env {name}: "
        f"run `pytest -m smoke --env {name}` for the round-trip, or drop --env to check contracts locally"
    )
