"""The round-trip report: one JSON-ready dict (env, git sha, outcome, steps with their limits, attempts and trace
ids, total) and the text table the terminal shows."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from phenom_client.environments import StepThreshold
from phenom_client.outcome import classify, flaky
from phenom_client.roundtrip import ROUNDTRIP_STEPS, RoundTripOutcome
from phenom_client.steps import StepRecord
from phenom_client.summary import attempts_cell, retried, threshold_cell

UNKNOWN_REVISION = "unknown"


def git_revision(cwd: Path) -> str:
    """`git rev-parse HEAD` in `cwd`, or "unknown" outside a repository, before the first commit or without git."""
    try:
        answer = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN_REVISION
    revision = answer.stdout.strip()
    return revision if answer.returncode == 0 and revision else UNKNOWN_REVISION


def build_report(
    env: str,
    git_sha: str,
    outcome: RoundTripOutcome | None,
    setup_error: str | None = None,
    *,
    setup_unreached: bool = False,
    thresholds: dict[str, StepThreshold] | None = None,
    finished_at: datetime | None = None,
    schema_drift: list[str] | None = None,
) -> dict[str, Any]:
    """The report of one round-trip; with no outcome (it never started) every step is not run, `error` says why, and
    `setup_unreached` says the cause was the runner's (no AWS credentials), not the service's. `thresholds` are the
    environment's, shown on steps that never ran.

    `schema_drift` is what the drift check found (None when it did not run, empty when the deployed schema is
    the snapshot): a failure of its own, next to the round-trip's status rather than in a step."""
    if outcome is None:
        records = [
            StepRecord(number, name, threshold=(thresholds or {}).get(name))
            for number, name in enumerate(ROUNDTRIP_STEPS, start=1)
        ]
        status = "failed" if setup_error else "not run"
        error, cleanup, total_ms = setup_error or "the round-trip test was not selected", None, 0.0
    else:
        records = outcome.steps.records
        status = "passed" if outcome.passed else "failed"
        error, cleanup, total_ms = outcome.failure, outcome.cleanup, round(outcome.steps.total_ms, 1)
    steps = [_step(record) for record in records]
    verdict = classify(steps, setup_error=setup_error if outcome is None else None, setup_unreached=setup_unreached)
    return {
        "env": env,
        "git_sha": git_sha,
        "status": status,
        "outcome": None if verdict is None else verdict.value,
        "flaky": flaky(steps),
        "finished_at": (finished_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "total_ms": total_ms,
        "error": error,
        "cleanup": cleanup,
        "schema_drift": schema_drift,
        "steps": steps,
    }


def _step(record: StepRecord) -> dict[str, Any]:
    threshold = record.threshold
    return {
        "number": record.number,
        "name": record.name,
        "status": record.status.value,
        "ms": None if record.ms is None else round(record.ms, 1),
        "error": record.error,
        "degraded": record.degraded,
        "flaky": record.flaky,
        "threshold": None
        if threshold is None
        else {"degraded_ms": threshold.degraded_ms, "failed_ms": threshold.failed_ms},
        "trace_id": record.trace_id,
        "attempts": [
            {
                "operation": a.operation,
                "number": a.number,
                "ms": round(a.ms, 1),
                "error": a.error,
                "unreached": a.unreached,
            }
            for a in record.attempts
        ],
    }


def table_lines(report: dict[str, Any]) -> list[str]:
    """The report as aligned text lines: one per step (status, ms, limits, attempts, error), the total, the outcome."""
    lines = [f"{'step':<16} {'status':<8} {'ms':>8}  detail"]
    for step in report["steps"]:
        ms = "" if step["ms"] is None else f"{step['ms']:.0f}"
        details = []
        if step.get("threshold"):
            details.append(f"limits {threshold_cell(step)} ms")
        if step.get("degraded"):
            details.append("degraded")
        calls = sum(1 for attempt in step["attempts"] if attempt["number"] == 1)
        if len(step["attempts"]) > calls:
            details.append(f"{attempts_cell(step)} attempts for {calls} calls")
        if step.get("flaky"):
            details.append("flaky")
        if retried(step):
            details.append(f"{retried(step)} retried")
        if step["error"]:
            details.append(step["error"])
        lines.append(f"{step['number']} {step['name']:<14} {step['status']:<8} {ms:>8}  {'; '.join(details)}".rstrip())
    lines.append(f"{'total':<16} {report['status']:<8} {report['total_ms']:>8.0f}")
    if report.get("outcome"):
        lines.append(f"outcome: {report['outcome']}{' (flaky)' if report.get('flaky') else ''}")
    # Only a report that did not pass has an error; it is shown here when no step's line carries it (nothing ran).
    if report["error"] and not any(step["error"] for step in report["steps"]):
        lines.append(f"error: {report['error']}")
    if report["cleanup"]:
        lines.append(f"cleanup: {report['cleanup']}")
    return lines
