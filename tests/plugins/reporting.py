"""pytest plugin: the round-trip's step table in the terminal summary, the same as JSON with --phenom-report, and its
metrics in CloudWatch with --phenom-metrics (the local stack's moto for --env local)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from phenom_client.errors import PhenomClientError
from phenom_client.report import build_report, table_lines
from phenom_client.roundtrip import RoundTripOutcome
from phenom_client.steps import describe
from tests.plugins.environment import CREDENTIALS_UNREACHED, SELECTED_ENV, revision, selected_thresholds
from tests.plugins.stack import started_stack_client

_OUTCOMES = pytest.StashKey[list[RoundTripOutcome]]()
_SETUP_ERRORS = pytest.StashKey[list[str]]()
_METRICS_LINE = pytest.StashKey[str]()
_REPORT = pytest.StashKey[dict[str, Any]]()
_SCHEMA_DRIFT = pytest.StashKey[list[list[str]]]()


def configure(config: pytest.Config) -> None:
    """Empty lists for the run's round-trip outcomes and setup errors."""
    config.stash[_OUTCOMES] = []
    config.stash[_SETUP_ERRORS] = []
    config.stash[_SCHEMA_DRIFT] = []


@pytest.fixture
def record_roundtrip(request: pytest.FixtureRequest) -> Callable[[RoundTripOutcome], None]:
    """A function that hands a round-trip's outcome to the terminal summary and the --phenom-report file."""
    return request.config.stash[_OUTCOMES].append


@pytest.fixture
def record_schema_drift(request: pytest.FixtureRequest) -> Callable[[list[str]], None]:
    """A function that hands the drift check's differences (empty: none) to the --phenom-report file."""
    return request.config.stash[_SCHEMA_DRIFT].append


def record_setup_error(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> None:
    """Keep why a smoke test could not start, for the summary and the report."""
    # A smoke test that cannot even start (no password, no stack) still has to say why in the summary and report.
    if call.when == "setup" and report.failed and item.get_closest_marker("smoke") and call.excinfo is not None:
        error = call.excinfo.value
        why = error.msg if isinstance(error, pytest.fail.Exception) else describe(error)
        item.config.stash[_SETUP_ERRORS].append(f"the round-trip could not start: {why}")


def write_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The round-trip's step table, when a round-trip ran or could not start."""
    report = _report(config)
    if report["status"] == "not run":
        return
    title = f"phenom round-trip: env {report['env']}"
    env = config.stash.get(SELECTED_ENV, None)
    if env is not None:
        title += f" ({env.graphql_url}, {env.stack} stack)" if env.stack else f" ({env.graphql_url})"
    terminalreporter.ensure_newline()
    terminalreporter.section(title)
    for line in table_lines(report):
        terminalreporter.write_line(line)
    if _METRICS_LINE in config.stash:
        terminalreporter.write_line(config.stash[_METRICS_LINE])


def publish_metrics(session: pytest.Session) -> None:
    """With --phenom-metrics, the round-trip's metrics to CloudWatch; a refusal fails the session and says why."""
    config = session.config
    env = config.stash.get(SELECTED_ENV, None)
    if not config.getoption("phenom_metrics") or env is None:
        return
    report = _report(config)
    if report["outcome"] is None:
        return
    # Imported here: only a run that publishes needs boto3.
    from phenom_client.metrics import NAMESPACE, cloudwatch_client, publish

    cloudwatch = started_stack_client(config, "cloudwatch") if env.is_local else cloudwatch_client(env)
    try:
        count = publish(report, cloudwatch)
    except PhenomClientError as error:
        config.stash[_METRICS_LINE] = f"metrics: not published: {error}"
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    where = f"the local stack's moto ({env.aws_endpoint_url})" if env.is_local else f"CloudWatch in {env.region}"
    config.stash[_METRICS_LINE] = f"metrics: {count} published to {where}, namespace {NAMESPACE}"


def write_report(session: pytest.Session) -> None:
    """The --phenom-report JSON file, when asked for; under -n, by the worker that ran the round-trip."""
    config = session.config
    target = config.getoption("phenom_report")
    if target is None or (_distributed(config) and _report(config)["status"] == "not run"):
        return
    path = Path(target)
    if not path.is_absolute():
        path = config.invocation_params.dir / path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_report(config), indent=2) + "\n", encoding="utf-8")


def _distributed(config: pytest.Config) -> bool:
    # The xdist controller and the workers that did not run the round-trip have nothing to report: writing their
    # empty report would overwrite the one that ran it.
    return hasattr(config, "workerinput") or config.getoption("dist", "no") != "no"


def _report(config: pytest.Config) -> dict[str, Any]:
    outcomes = config.stash.get(_OUTCOMES, [])
    setup_errors = config.stash.get(_SETUP_ERRORS, [])
    # Built once, when the session finishes: the JSON file, the metrics and the terminal table show one and the same.
    if _REPORT not in config.stash:
        drift = config.stash.get(_SCHEMA_DRIFT, [])
        config.stash[_REPORT] = build_report(
            config.getoption("env"),
            revision(config),
            outcomes[-1] if outcomes else None,
            setup_errors[-1] if setup_errors else None,
            setup_unreached=config.stash.get(CREDENTIALS_UNREACHED, False),
            thresholds=selected_thresholds(config),
            schema_drift=drift[-1] if drift else None,
        )
    return config.stash[_REPORT]
