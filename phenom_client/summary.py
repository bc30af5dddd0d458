"""Render a --phenom-report JSON as markdown for $GITHUB_STEP_SUMMARY, or as the one line naming the failing step.
Standard library only: the canary runs it even when `make setup` failed.

    python -m phenom_client.summary canary-report.json >> "$GITHUB_STEP_SUMMARY"
    python -m phenom_client.summary --failure canary-report.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from phenom_client.outcome import MEANING, Outcome

_OUTCOME_MARK = {"pass": "✅", "degraded": "🐢", "fail": "❌", "infra-error": "🔌"}
_STATUS_MARK = {"passed": "✅ passed", "failed": "❌ failed", "not run": "⏭️ not run"}


def load_report(path: Path) -> dict[str, Any] | None:
    """The report at `path`, or None when the run stopped before writing it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def markdown(report: dict[str, Any] | None, path: Path) -> str:
    """A heading with status, env and revision, the outcome and what it means, then a table of the steps with their
    ms, limits, attempts and trace ids."""
    if report is None:
        return (
            f"### Phenom smoke: no report\n\n"
            f"`{path}` was not written: the job stopped before the round-trip ran; see the job log.\n"
        )
    lines = [f"### Phenom smoke: {report['status']} (env `{report['env']}`, revision `{report['git_sha'][:12]}`)"]
    outcome = report.get("outcome")
    if outcome:
        flaky = " (flaky: a step passed only after a retry)" if report.get("flaky") else ""
        lines += ["", f"**Outcome:** {_OUTCOME_MARK[outcome]} `{outcome}`{flaky}: {MEANING[Outcome(outcome)]}"]
    lines += [
        "",
        "| # | step | status | ms | retried calls | error | limits ms (degraded/failed) | attempts | flags | trace id |",
        "| ---: | --- | --- | ---: | ---: | --- | ---: | ---: | --- | --- |",
    ]
    for step in report["steps"]:
        ms = "" if step["ms"] is None else f"{step['ms']:.0f}"
        status = _STATUS_MARK.get(step["status"], step["status"])
        flags = ", ".join(flag for flag in ("degraded", "flaky") if step.get(flag))
        trace = f"`{step['trace_id']}`" if step.get("trace_id") else ""
        lines.append(
            f"| {step['number']} | {step['name']} | {status} | {ms} "
            f"| {retried(step) or ''} | {_cell(step['error'])} | {threshold_cell(step)} | {attempts_cell(step)} "
            f"| {flags} | {trace} |"
        )
    lines.append(f"| | **total** | | **{report['total_ms']:.0f}** | | | | | | |")
    if report["error"]:
        lines += ["", f"**Failure:** {_cell(report['error'])}"]
    if report["cleanup"]:
        lines += ["", f"**Cleanup:** {_cell(report['cleanup'])}"]
    if report.get("schema_drift"):
        lines += ["", "**Schema drift:** the deployed schema is not `hasura/schema/user.graphql` of this revision:"]
        lines += [f"- {_cell(line)}" for line in report["schema_drift"]]
    return "\n".join(lines) + "\n"


def failure_line(report: dict[str, Any] | None, path: Path) -> str:
    """One line naming what failed (the failing step's message), for the canary issue's title and body."""
    if report is None:
        return f"the job stopped before the round-trip ran ({path} was not written)"
    drift = report.get("schema_drift")
    drift_line = (
        f"schema drift: {len(drift)} difference(s) from hasura/schema/user.graphql, e.g. {drift[0]}" if drift else ""
    )
    if report["status"] == "passed":
        return drift_line or "every step passed"
    failure = report["error"] or "the round-trip failed without a recorded error"
    return f"{failure}; {drift_line}" if drift_line else failure


def retried(step: dict[str, Any]) -> int:
    """How many of a reported step's calls needed more than one attempt."""
    return sum(1 for attempt in step["attempts"] if attempt["number"] == 2)


def threshold_cell(step: dict[str, Any]) -> str:
    """A step's limits as `degraded/failed`, empty when the environment sets none."""
    threshold = step.get("threshold")
    return f"{threshold['degraded_ms']}/{threshold['failed_ms']}" if threshold else ""


def attempts_cell(step: dict[str, Any]) -> str:
    """How many tries a step's calls took in all, empty when it made none."""
    return str(len(step["attempts"])) if step["attempts"] else ""


def _cell(text: str | None) -> str:
    return "" if not text else text.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="the JSON file pytest wrote with --phenom-report")
    parser.add_argument("--failure", action="store_true", help="print only the line naming the failing step")
    arguments = parser.parse_args(argv)
    report = load_report(arguments.report)
    text = failure_line(report, arguments.report) if arguments.failure else markdown(report, arguments.report)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
