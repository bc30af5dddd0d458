"""The round-trip's report as CloudWatch metrics (namespace Phenom/Canary, dimensions Environment and Step), which the
Terraform alarms watch (infra/modules/canary).

Every run publishes InfraError (1 or 0) and Flaky for the run, so the sample count of InfraError counts the runs: the
dead-man's switch. A run that reached the service also publishes SuccessPercent (100 or 0) and Duration for the run
and for each step that ran, and a passing one LastSuccess (epoch seconds). An infra-error publishes no SuccessPercent:
the runner's own failure must not count against the service.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from phenom_client.aws import client_for
from phenom_client.environments import EnvConfig
from phenom_client.errors import PhenomClientError
from phenom_client.outcome import Outcome
from phenom_client.redaction import redact

NAMESPACE = "Phenom/Canary"
# The Step dimension of the metrics that describe the whole run.
TOTAL = "total"
# PutMetricData takes at most 1000 data per call; one call per 20 keeps each request small.
_BATCH = 20


class MetricsNotPublished(PhenomClientError):
    """CloudWatch refused the metrics or could not be reached."""


def dimensions(env: str, step: str) -> list[dict[str, str]]:
    """The dimensions of one metric, as CloudWatch and the alarms name them."""
    return [{"Name": "Environment", "Value": env}, {"Name": "Step", "Value": step}]


def metric_data(report: dict[str, Any], *, now: datetime | None = None) -> list[dict[str, Any]]:
    """The MetricData of one report; empty when the round-trip was not selected."""
    outcome = report.get("outcome")
    if outcome is None:
        return []
    timestamp = now or datetime.now(UTC)

    def datum(name: str, step: str, value: float, unit: str) -> dict[str, Any]:
        return {
            "MetricName": name,
            "Dimensions": dimensions(report["env"], step),
            "Timestamp": timestamp,
            "Value": float(value),
            "Unit": unit,
        }

    infra_error = outcome == Outcome.INFRA_ERROR.value
    data = [
        datum("InfraError", TOTAL, 1 if infra_error else 0, "Count"),
        datum("Flaky", TOTAL, 1 if report["flaky"] else 0, "Count"),
    ]
    if infra_error:
        return data
    succeeded = outcome in (Outcome.PASS.value, Outcome.DEGRADED.value)
    data += [
        datum("SuccessPercent", TOTAL, 100 if succeeded else 0, "Percent"),
        datum("Duration", TOTAL, report["total_ms"], "Milliseconds"),
    ]
    for step in report["steps"]:
        if step["status"] == "not run":
            continue
        data += [
            datum("SuccessPercent", step["name"], 100 if step["status"] == "passed" else 0, "Percent"),
            datum("Duration", step["name"], step["ms"], "Milliseconds"),
            datum("Flaky", step["name"], 1 if step["flaky"] else 0, "Count"),
        ]
    if succeeded:
        data.append(datum("LastSuccess", TOTAL, timestamp.timestamp(), "Seconds"))
    return data


def publish(report: dict[str, Any], cloudwatch: Any, *, now: datetime | None = None) -> int:
    """Put the report's metrics with a boto3 CloudWatch client; the number published. Raises MetricsNotPublished."""
    from botocore.exceptions import BotoCoreError, ClientError

    data = metric_data(report, now=now)
    try:
        for batch in _batches(data):
            cloudwatch.put_metric_data(Namespace=NAMESPACE, MetricData=batch)
    except ClientError as error:
        details = error.response.get("Error", {})
        raise MetricsNotPublished(
            f"CloudWatch refused the {NAMESPACE} metrics: {details.get('Code')}: {details.get('Message')}; "
            "the canary's role needs cloudwatch:PutMetricData for that namespace"
        ) from None
    except BotoCoreError as error:
        raise MetricsNotPublished(redact(f"CloudWatch did not take the {NAMESPACE} metrics: {error}")) from None
    return len(data)


def cloudwatch_client(env: EnvConfig) -> Any:
    """A CloudWatch client for `env` with the caller's own AWS credentials."""
    return client_for("cloudwatch", env, total_max_attempts=3)


def _batches(data: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(data), _BATCH):
        yield data[start : start + _BATCH]
