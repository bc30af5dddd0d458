"""Every outcome of the round-trip, produced on the local stack by making it slow or unreachable (a loopback proxy that
holds or drops GraphQL requests, a port that refuses connections), never by scripting the client; and the metrics of
a run read back from the stack's CloudWatch."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from phenom_client.client import PhenomClient
from phenom_client.credentials import resolve_smoke_credentials, secretsmanager_reader
from phenom_client.environments import StepThreshold, step_thresholds
from phenom_client.errors import CredentialsUnavailable, GraphQLRequestFailed
from phenom_client.metrics import NAMESPACE, TOTAL, dimensions, publish
from phenom_client.report import build_report
from phenom_client.roundtrip import ROUNDTRIP_STEPS, run_roundtrip
from phenom_client.steps import StepRunner
from phenom_client.tracing import new_trace_id, step_trace
from phenom_infra.hcl import REPO_ROOT
from tests.kit.slow_proxy import Fault, SlowProxy
from tests.kit.unreachable import refusing_port

pytestmark = pytest.mark.contract

GRAPHQL_PATH = "/v1/graphql"
# Held this long, a getPhenoms is over any limit below it whatever the machine's load: the proxy adds it to the
# step's own time, which is never shorter than zero.
HELD_SECONDS = 0.3
UNDER_THE_HOLD_MS = 100
FAR_ABOVE_MS = 60_000
SMOKE_RUN_SECONDS = 180
LOG_WAIT_SECONDS = 10.0


def round_trip(env, credentials, thresholds, label: str) -> tuple[dict, object]:
    """The report (under env name `label`, so its metrics are this test's alone) and the outcome of one round-trip."""
    with PhenomClient(env, credentials) as client:
        outcome = run_roundtrip(client, StepRunner(ROUNDTRIP_STEPS, thresholds=thresholds))
    return build_report(label, "contract", outcome), outcome


@pytest.fixture
def label() -> str:
    """An environment name of this test's own for the report and its metrics."""
    return f"contract-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def held_get_phenoms(phenom_env):
    """The local environment with its GraphQL behind a proxy that holds every getPhenoms for HELD_SECONDS."""
    with SlowProxy(phenom_env.graphql_url, GRAPHQL_PATH, Fault(b"getPhenoms", delay_seconds=HELD_SECONDS)) as proxy:
        yield dataclasses.replace(phenom_env, graphql_url=proxy.url)


def test_a_slow_step_over_degraded_ms_degrades_a_run_that_passes(held_get_phenoms, smoke_credentials, label):
    # GIVEN getPhenoms is held longer than its degraded limit, far below its failed one
    limits = {"getPhenoms": StepThreshold(degraded_ms=UNDER_THE_HOLD_MS, failed_ms=FAR_ABOVE_MS)}
    # WHEN the round-trip runs
    report, outcome = round_trip(held_get_phenoms, smoke_credentials, limits, label)
    # THEN every step passed, the run is degraded, and getPhenoms is the slow one
    assert (report["status"], report["outcome"], report["flaky"]) == ("passed", "degraded", False)
    assert [step["name"] for step in report["steps"] if step["degraded"]] == ["getPhenoms"]
    assert outcome.deleted


def test_a_step_over_failed_ms_fails_the_run_naming_the_step_its_time_and_the_limit(
    held_get_phenoms, smoke_credentials, label
):
    limits = {"getPhenoms": StepThreshold(degraded_ms=UNDER_THE_HOLD_MS // 2, failed_ms=UNDER_THE_HOLD_MS)}
    report, outcome = round_trip(held_get_phenoms, smoke_credentials, limits, label)
    assert report["outcome"] == "fail"
    assert re.fullmatch(
        rf"step 4/6 getPhenoms: took \d+ ms, over its failed_ms limit of {UNDER_THE_HOLD_MS} ms", report["error"]
    ), report["error"]
    assert report["steps"][3]["ms"] > HELD_SECONDS * 1000
    assert [step["status"] for step in report["steps"][4:]] == ["not run", "not run"]
    # The phenom the run created is deleted all the same.
    assert outcome.deleted and report["cleanup"].startswith("deleted phenom")


def test_a_step_that_passed_only_after_a_retry_is_recorded_as_flaky(phenom_env, smoke_credentials, label):
    # GIVEN the first getPhenoms loses its connection without an answer
    with SlowProxy(phenom_env.graphql_url, GRAPHQL_PATH, Fault(b"getPhenoms", drops=1)) as proxy:
        report, _ = round_trip(dataclasses.replace(phenom_env, graphql_url=proxy.url), smoke_credentials, {}, label)
        dropped = proxy.dropped
    # THEN the retry passed: the run passes, flaky, with both attempts of getPhenoms in the report
    assert dropped == 1
    assert (report["outcome"], report["flaky"]) == ("pass", True)
    getphenoms = report["steps"][3]
    assert getphenoms["flaky"] and [attempt["error"] is None for attempt in getphenoms["attempts"]] == [False, True]


def test_a_service_that_refuses_every_connection_is_an_infra_error(phenom_env, smoke_credentials, label):
    with refusing_port() as port:
        nowhere = f"http://127.0.0.1:{port}"
        env = dataclasses.replace(phenom_env, graphql_url=f"{nowhere}{GRAPHQL_PATH}", aws_endpoint_url=nowhere)
        report, _ = round_trip(env, smoke_credentials, {}, label)
    sign_in = report["steps"][0]
    assert report["outcome"] == "infra-error"
    assert sign_in["status"] == "failed" and len(sign_in["attempts"]) == 3
    assert all(attempt["unreached"] for attempt in sign_in["attempts"])


def test_a_smoke_secret_that_cannot_be_read_at_all_is_an_infra_error(phenom_env, label):
    with refusing_port() as port:
        # Dummy keys: the client signs, then finds nobody listening; only the unreachable endpoint is under test.
        secrets = boto3.client(
            "secretsmanager",
            region_name=phenom_env.region,
            endpoint_url=f"http://127.0.0.1:{port}",
            aws_access_key_id="phenom-contract",
            aws_secret_access_key="phenom-contract",
        )
        reader = secretsmanager_reader(secrets)
        with pytest.raises(CredentialsUnavailable) as failure:
            resolve_smoke_credentials(phenom_env, environ={}, read_secret=reader)
    assert failure.value.unreached
    report = build_report(label, "contract", None, str(failure.value), setup_unreached=failure.value.unreached)
    assert report["outcome"] == "infra-error"


def test_the_metrics_of_a_run_can_be_read_back_from_the_stacks_cloudwatch(
    phenom_env, smoke_credentials, phenom_thresholds, cloudwatch_client, label
):
    # GIVEN a round-trip under the local limits, published as --phenom-metrics does
    report, _ = round_trip(phenom_env, smoke_credentials, phenom_thresholds, label)
    publish(report, cloudwatch_client)
    # THEN CloudWatch holds its success, total and per-step durations, and its last success
    now = datetime.now(UTC)

    def maximum(metric: str, step: str) -> float:
        points = cloudwatch_client.get_metric_statistics(
            Namespace=NAMESPACE,
            MetricName=metric,
            Dimensions=dimensions(label, step),
            StartTime=now - timedelta(minutes=5),
            EndTime=now + timedelta(minutes=1),
            Period=60,
            Statistics=["Maximum"],
        )["Datapoints"]
        assert points, f"no {metric} for step {step} in {NAMESPACE}"
        return max(point["Maximum"] for point in points)

    assert report["outcome"] in ("pass", "degraded")
    assert maximum("SuccessPercent", TOTAL) == 100
    assert maximum("InfraError", TOTAL) == 0
    assert maximum("Duration", TOTAL) == pytest.approx(report["total_ms"])
    assert maximum("Duration", "getPhenoms") == pytest.approx(report["steps"][3]["ms"])
    assert maximum("LastSuccess", TOTAL) <= now.timestamp()
    listed = cloudwatch_client.list_metrics(Namespace=NAMESPACE, Dimensions=[{"Name": "Environment", "Value": label}])
    assert {metric["MetricName"] for metric in listed["Metrics"]} == {
        "SuccessPercent",
        "Duration",
        "Flaky",
        "InfraError",
        "LastSuccess",
    }


def test_the_smoke_run_with_metrics_reports_its_outcome_and_limits_and_publishes_them(
    local_stack, cloudwatch_client, tmp_path
):
    # GIVEN the session's stack described in a file, as `phenom-stack up --json` writes it
    stack_file = tmp_path / "stack.json"
    stack_file.write_text(local_stack.to_json() + "\n", encoding="utf-8")
    report_path = tmp_path / "r.json"
    # WHEN the canary's command runs against it, in a pytest of its own
    command = [sys.executable, "-m", "pytest", "-m", "smoke", "--env", "local", "--phenom-metrics"]
    command += ["--phenom-report", str(report_path), f"--stack-file={stack_file}", "-p", "no:cacheprovider", "-q"]
    run = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=SMOKE_RUN_SECONDS, check=False)
    # THEN r.json holds the outcome and every step's limits, and the stack's CloudWatch holds the run's total
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["outcome"] in ("pass", "degraded")
    assert {step["name"]: step["threshold"] for step in report["steps"]} == {
        name: {"degraded_ms": limit.degraded_ms, "failed_ms": limit.failed_ms}
        for name, limit in step_thresholds("local").items()
    }
    assert "metrics: 23 published to the local stack's moto" in run.stdout
    now = datetime.now(UTC)
    durations = cloudwatch_client.get_metric_statistics(
        Namespace=NAMESPACE,
        MetricName="Duration",
        Dimensions=dimensions("local", TOTAL),
        StartTime=now - timedelta(minutes=5),
        EndTime=now + timedelta(minutes=1),
        Period=60,
        Statistics=["Maximum", "Minimum"],
    )["Datapoints"]
    assert any(point["Minimum"] <= report["total_ms"] <= point["Maximum"] for point in durations), (
        f"no Duration datapoint holds {report['total_ms']} ms: {durations}"
    )


def test_a_refused_call_is_found_in_the_action_handlers_log_by_its_steps_trace_id(
    phenom_env, smoke_credentials, local_stack
):
    # GIVEN a call inside a step's trace that the action handler refuses (limit out of range)
    (log_path,) = Path(local_stack.log_dir).glob("*-action-*handler.log")
    trace_id = new_trace_id()
    with PhenomClient(phenom_env, smoke_credentials) as client:
        client.sign_in()
        with step_trace(trace_id), pytest.raises(GraphQLRequestFailed):
            client.get_phenoms(limit=500)

    # THEN the handler's log lines for it carry that trace id (the engine forwarded the client's traceparent)
    def messages() -> list[str]:
        lines = log_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["message"] for line in lines if trace_id in line]

    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while "action refused" not in messages():
        assert time.monotonic() < deadline, f"no refusal with trace id {trace_id} in {log_path}: {messages()}"
        time.sleep(0.05)
    assert messages()[0] == "action started"
