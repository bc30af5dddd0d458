"""The round-trip report: one JSON-ready dict (env, git sha, steps, total) and the text table the terminal shows."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from phenom_client.roundtrip import ROUNDTRIP_STEPS, RoundTripOutcome
from phenom_client.steps import StepStatus
from phenom_client.summary import retried

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
    schema_drift: list[str] | None = None,
) -> dict[str, Any]:
    """The report of one round-trip; with no outcome (it never started) every step is not run and `error` says why.

    `schema_drift` is what the drift check found (None when it did not run, empty when the deployed schema is
    the snapshot): a failure of its own, next to the round-trip's status rather than in a step."""
    if outcome is None:
        why = setup_error or "the round-trip test was not selected"
        steps = [
            {
                "number": number,
                "name": name,
                "status": StepStatus.NOT_RUN.value,
                "ms": None,
                "error": None,
                "attempts": [],
            }
            for number, name in enumerate(ROUNDTRIP_STEPS, start=1)
        ]
        return {
            "env": env,
            "git_sha": git_sha,
            "status": "failed" if setup_error else "not run",
            "total_ms": 0.0,
            "error": why,
            "cleanup": None,
            "schema_drift": schema_drift,
            "steps": steps,
        }
    records = outcome.steps.records
    return {
        "env": env,
        "git_sha": git_sha,
        "status": "passed" if outcome.passed else "failed",
        "total_ms": round(outcome.steps.total_ms, 1),
        "error": outcome.failure,
        "cleanup": outcome.cleanup,
        "schema_drift": schema_drift,
        "steps": [
            {
                "number": record.number,
                "name": record.name,
                "status": record.status.value,
                "ms": None if record.ms is None else round(record.ms, 1),
                "error": record.error,
                "attempts": [
                    {"operation": a.operation, "number": a.number, "ms": round(a.ms, 1), "error": a.error}
                    for a in record.attempts
                ],
            }
            for record in records
        ],
    }


def table_lines(report: dict[str, Any]) -> list[str]:
    """The report as aligned text lines: one per step (status, ms, attempts, error), then the total."""
    lines = [f"{'step':<16} {'status':<8} {'ms':>8}  detail"]
    for step in report["steps"]:
        ms = "" if step["ms"] is None else f"{step['ms']:.0f}"
        details = []
        if retried(step):
            details.append(f"{retried(step)} retried")
        if step["error"]:
            details.append(step["error"])
        lines.append(f"{step['number']} {step['name']:<14} {step['status']:<8} {ms:>8}  {'; '.join(details)}".rstrip())
    lines.append(f"{'total':<16} {report['status']:<8} {report['total_ms']:>8.0f}")
    if report["status"] != "passed" and report["error"] and not any(step["error"] for step in report["steps"]):
        lines.append(f"error: {report['error']}")
    if report["cleanup"]:
        lines.append(f"cleanup: {report['cleanup']}")
    return lines
