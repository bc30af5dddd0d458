"""The report as CloudWatch metrics: what each outcome publishes, under which dimensions, and a refusal's message."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from phenom_client.metrics import NAMESPACE, TOTAL, MetricsNotPublished, metric_data, publish
from phenom_client.report import build_report
from phenom_client.retry import Attempt
from phenom_client.roundtrip import ROUNDTRIP_STEPS, RoundTripOutcome, SmokeObject
from phenom_client.steps import StepFailed, StepRunner

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def report(*, fail_at: str | None = None, unreached: bool = False) -> dict:
    ticks = iter(range(100))
    runner = StepRunner(ROUNDTRIP_STEPS, clock=lambda: next(ticks) / 10)
    for name in ROUNDTRIP_STEPS:
        if name == fail_at:

            def fail(name: str = name) -> None:
                runner.record_attempt(Attempt(name, 1, 1.0, "no answer", unreached))
                raise RuntimeError("no answer")

            with pytest.raises(StepFailed):
                runner.run(name, fail)
            break
        runner.run(name, lambda name=name: runner.record_attempt(Attempt(name, 1, 1.0)))
    return build_report("prod", "abc", RoundTripOutcome(runner, SmokeObject("20261201T120000Z-abcdef12")))


def by_name(data: list[dict]) -> dict[tuple[str, str], float]:
    return {(datum["MetricName"], datum["Dimensions"][1]["Value"]): datum["Value"] for datum in data}


def test_a_pass_publishes_success_durations_and_last_success():
    values = by_name(metric_data(report(), now=NOW))
    assert values[("SuccessPercent", TOTAL)] == 100
    assert values[("InfraError", TOTAL)] == 0
    assert values[("Flaky", TOTAL)] == 0
    assert values[("LastSuccess", TOTAL)] == NOW.timestamp()
    assert values[("Duration", TOTAL)] == 600.0
    assert {step for (name, step) in values if name == "Duration"} == {TOTAL, *ROUNDTRIP_STEPS}


def test_a_fail_publishes_zero_success_for_the_run_and_the_failed_step_and_no_last_success():
    values = by_name(metric_data(report(fail_at="getPhenoms"), now=NOW))
    assert (values[("SuccessPercent", TOTAL)], values[("SuccessPercent", "getPhenoms")]) == (0, 0)
    assert values[("SuccessPercent", "upload")] == 100
    assert ("LastSuccess", TOTAL) not in values and ("Duration", "download") not in values


def test_an_infra_error_publishes_no_success_percent_so_it_never_counts_against_the_service():
    values = by_name(metric_data(report(fail_at="sign in", unreached=True), now=NOW))
    assert values == {("InfraError", TOTAL): 1, ("Flaky", TOTAL): 0}


def test_every_metric_names_the_environment_and_the_step():
    assert {tuple(d["Name"] for d in datum["Dimensions"]) for datum in metric_data(report(), now=NOW)} == {
        ("Environment", "Step")
    }


def test_published_metrics_can_be_read_back():
    with mock_aws():
        cloudwatch = boto3.client("cloudwatch", region_name="us-east-1")
        count = publish(report(), cloudwatch)
        listed = cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"]
    assert count == len(listed) == len(metric_data(report()))


def test_a_refusal_says_what_the_role_needs():
    class Refusing:
        def put_metric_data(self, **_: object) -> None:
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "PutMetricData")

    with pytest.raises(MetricsNotPublished, match="needs cloudwatch:PutMetricData for that namespace"):
        publish(report(), Refusing())
