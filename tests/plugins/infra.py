"""pytest plugin: production and development applied by Terraform into moto, once per session, for the `applied` tests.

Right after collection, when any selected test asks for an applied environment, each one it needs starts applying
in a background thread (phenom_infra.applied: a moto of its own, `terraform init` and `apply`), so the provider's
minutes of polling overlap the rest of the suite; the applied tests are moved to the end of the run to give them
that time, and the tests that destroy an environment come last of all. Where terraform or the provider mirror is
missing, those tests skip saying what to install. The destroys the session runs are the `destroys` tests' own
(production refused, development destroyed and applied again); when pytest unconfigures, each environment goes with
its moto process, which holds its only copy, rather than after another destroy of development's minutes.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack

import pytest

from phenom_infra.applied import ENVIRONMENTS, AppliedEnvironment, applied_environment, missing_tool

FIXTURES = {f"applied_{name}": name for name in ENVIRONMENTS}
APPLIED_GROUP = "applied"
_STARTED = pytest.StashKey[dict[str, Future]]()
_BACKGROUND = pytest.StashKey[ThreadPoolExecutor]()
_LIFETIME = pytest.StashKey[ExitStack]()


def _needed(item: pytest.Item) -> set[str]:
    return {FIXTURES[fixture] for fixture in item.fixturenames if fixture in FIXTURES}


def run_applied_tests_last(items: list[pytest.Item]) -> None:
    """Order the selected items: the rest of the suite, then the applied tests, then those that destroy. Under
    pytest-xdist (`--dist loadgroup`) the applied tests are one group, so one worker applies each environment once."""
    items.sort(key=lambda item: (bool(_needed(item)), item.get_closest_marker("destroys") is not None))
    for item in items:
        if _needed(item):
            item.add_marker(pytest.mark.xdist_group(APPLIED_GROUP))


def start_if_needed(session: pytest.Session) -> None:
    """Start applying, in the background, every environment a selected test needs. An xdist worker collects every
    test but runs only its share, so it applies when its first applied test asks (the group keeps them on one worker)."""
    if not hasattr(session.config, "workerinput"):
        _start(session)


def _start(session: pytest.Session) -> None:
    needed = set().union(*(_needed(item) for item in session.items)) if session.items else set()
    if session.config.option.collectonly or not needed or missing_tool():
        return
    lifetime = ExitStack()
    session.config.stash[_LIFETIME] = lifetime
    background = ThreadPoolExecutor(max_workers=len(needed), thread_name_prefix="phenom-infra-apply")
    session.config.stash[_BACKGROUND] = background
    # Each worker enters its own environment into the shared ExitStack; stop() waits for the workers first.
    session.config.stash[_STARTED] = {
        name: background.submit(_enter, lifetime, name) for name in sorted(needed, key=ENVIRONMENTS.index)
    }


def _enter(lifetime: ExitStack, name: str) -> AppliedEnvironment:
    return lifetime.enter_context(applied_environment(name, destroy_on_exit=False))


def stop(config: pytest.Config) -> None:
    """Destroy or stop the applied environments this run started (once any apply still running has ended)."""
    background = config.stash.get(_BACKGROUND, None)
    if background is not None:
        background.shutdown(wait=True, cancel_futures=True)
        config.stash[_LIFETIME].close()


def _applied(request: pytest.FixtureRequest, name: str) -> AppliedEnvironment:
    reason = missing_tool()
    if reason:
        pytest.skip(reason)
    if _STARTED not in request.config.stash and hasattr(request.config, "workerinput"):
        _start(request.session)
    started = request.config.stash.get(_STARTED, {})
    if name not in started:
        raise pytest.UsageError(f"applied_{name} was not started after collection; use it as a fixture argument")
    return started[name].result()


@pytest.fixture(scope="session")
def applied_production(request: pytest.FixtureRequest) -> AppliedEnvironment:
    """Production applied into a moto of its own (outputs, clients, the Terraform working copy)."""
    return _applied(request, "production")


@pytest.fixture(scope="session")
def applied_development(request: pytest.FixtureRequest) -> AppliedEnvironment:
    """Development applied into a moto of its own (outputs, clients, the Terraform working copy)."""
    return _applied(request, "development")
