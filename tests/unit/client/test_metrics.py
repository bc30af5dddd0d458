"""The report as CloudWatch metrics: what each outcome publishes, under which dimensions, and a refusal's message."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from moto import mock_aws

from phenom_client.metrics import (
    NAMESPACE,
    TOTAL,
    MetricsNotPublished,
    cloudwatch_client,
    dimensions,
    metric_data,
    publish,
)
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


def json_report(outcome: str | None, steps: list[tuple[str, str, float | None, bool]], flaky: bool = False) -> dict:
    """A report's JSON as the metrics read it: (name, status, ms, flaky) per step."""
    return {
        "env": "prod",
        "outcome": outcome,
        "flaky": flaky,
        "total_ms": 1234.5,
        "steps": [
            {"name": name, "status": status, "ms": ms, "flaky": step_flaky} for name, status, ms, step_flaky in steps
        ],
    }


RETRIED_PASS = [("sign in", "passed", 100.5, True), ("createPhenom", "passed", 200.0, False)]
FAILED_AT_CREATE = [
    ("sign in", "passed", 100.5, True),
    ("createPhenom", "failed", 300.0, False),
    ("upload", "not run", None, False),
]


def published(data: list[dict]) -> list[tuple[str, str, float, str]]:
    assert {(datum["Timestamp"], type(datum["Value"])) for datum in data} == {(NOW, float)}
    assert {repr(datum["Dimensions"][:1]) for datum in data} == {"[{'Name': 'Environment', 'Value': 'prod'}]"}
    return [(datum["MetricName"], datum["Dimensions"][1]["Value"], datum["Value"], datum["Unit"]) for datum in data]


@pytest.mark.parametrize("outcome", ["pass", "degraded"])
def test_a_successful_run_publishes_each_metric_with_its_unit_in_order(outcome):
    assert published(metric_data(json_report(outcome, RETRIED_PASS, flaky=True), now=NOW)) == [
        ("InfraError", "total", 0.0, "Count"),
        ("Flaky", "total", 1.0, "Count"),
        ("SuccessPercent", "total", 100.0, "Percent"),
        ("Duration", "total", 1234.5, "Milliseconds"),
        ("SuccessPercent", "sign in", 100.0, "Percent"),
        ("Duration", "sign in", 100.5, "Milliseconds"),
        ("Flaky", "sign in", 1.0, "Count"),
        ("SuccessPercent", "createPhenom", 100.0, "Percent"),
        ("Duration", "createPhenom", 200.0, "Milliseconds"),
        ("Flaky", "createPhenom", 0.0, "Count"),
        ("LastSuccess", "total", NOW.timestamp(), "Seconds"),
    ]


def test_a_failed_run_publishes_the_steps_that_ran_and_no_last_success():
    assert published(metric_data(json_report("fail", FAILED_AT_CREATE), now=NOW)) == [
        ("InfraError", "total", 0.0, "Count"),
        ("Flaky", "total", 0.0, "Count"),
        ("SuccessPercent", "total", 0.0, "Percent"),
        ("Duration", "total", 1234.5, "Milliseconds"),
        ("SuccessPercent", "sign in", 100.0, "Percent"),
        ("Duration", "sign in", 100.5, "Milliseconds"),
        ("Flaky", "sign in", 1.0, "Count"),
        ("SuccessPercent", "createPhenom", 0.0, "Percent"),
        ("Duration", "createPhenom", 300.0, "Milliseconds"),
        ("Flaky", "createPhenom", 0.0, "Count"),
    ]


def test_an_infra_error_publishes_only_the_runs_infra_error_and_flaky():
    assert published(metric_data(json_report("infra-error", FAILED_AT_CREATE, flaky=True), now=NOW)) == [
        ("InfraError", "total", 1.0, "Count"),
        ("Flaky", "total", 1.0, "Count"),
    ]


def test_a_round_trip_that_was_not_selected_publishes_nothing():
    assert metric_data(json_report(None, RETRIED_PASS), now=NOW) == []


def test_metrics_are_stamped_with_the_current_utc_time_by_default():
    before = datetime.now(UTC)
    stamps = {datum["Timestamp"] for datum in metric_data(json_report("pass", RETRIED_PASS))}
    assert len(stamps) == 1
    (stamp,) = stamps
    assert stamp.tzinfo is UTC and before <= stamp <= datetime.now(UTC)


def test_the_dimensions_name_the_environment_then_the_step():
    assert dimensions("prod", "upload") == [
        {"Name": "Environment", "Value": "prod"},
        {"Name": "Step", "Value": "upload"},
    ]


class RecordingCloudWatch:
    """Keeps each PutMetricData call's arguments."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def put_metric_data(self, **arguments: object) -> None:
        self.calls.append(arguments)


def test_metrics_are_put_in_batches_of_twenty_in_the_namespace_the_alarms_watch():
    steps = [(f"step {n}", "passed", 1.0, False) for n in range(6)]
    report = json_report("pass", steps)
    cloudwatch = RecordingCloudWatch()
    assert publish(report, cloudwatch, now=NOW) == 23
    data = metric_data(report, now=NOW)
    assert cloudwatch.calls == [
        {"Namespace": "Phenom/Canary", "MetricData": data[:20]},
        {"Namespace": "Phenom/Canary", "MetricData": data[20:]},
    ]


def test_a_run_with_nothing_to_publish_puts_nothing():
    cloudwatch = RecordingCloudWatch()
    assert publish(json_report(None, []), cloudwatch) == 0
    assert cloudwatch.calls == []


class FailingCloudWatch:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def put_metric_data(self, **_: object) -> None:
        raise self.error


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, "PutMetricData"),
            "CloudWatch refused the Phenom/Canary metrics: AccessDenied: not authorized; "
            "the canary's role needs cloudwatch:PutMetricData for that namespace",
        ),
        (
            EndpointConnectionError(endpoint_url="http://127.0.0.1:9/?X-Amz-Signature=abcdef0123456789"),
            "CloudWatch did not take the Phenom/Canary metrics: Could not connect to the endpoint URL: "
            '"http://127.0.0.1:9/?X-Amz-Signature=[redacted]"',
        ),
    ],
    ids=["refused", "out-of-reach"],
)
def test_a_failed_put_says_what_cloudwatch_answered_and_no_secret(error, message):
    with pytest.raises(MetricsNotPublished) as failure:
        publish(report(), FailingCloudWatch(error))
    assert str(failure.value) == message


def test_the_cloudwatch_client_is_in_the_environments_region_and_endpoint_with_three_tries(test_env):
    client = cloudwatch_client(replace(test_env, aws_endpoint_url="http://127.0.0.1:5000"))
    assert (client.meta.service_model.service_name, client.meta.region_name, client.meta.endpoint_url) == (
        "cloudwatch",
        "us-east-1",
        "http://127.0.0.1:5000",
    )
    assert client.meta.config.retries["total_max_attempts"] == 3
