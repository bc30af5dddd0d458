"""The canary's alert rule, as plain functions the workflow calls: the `canary` issue opens only after two consecutive
failed runs, infra errors neither count nor break a streak, and the first passing run closes it with the outage's length.
Standard library only, like the summary: it runs even when `make setup` failed.

A run leaves one line in its own log (`record`); the next runs read those lines back with `gh run view --log`, newest
first, as their history, and `decide` writes what to do with the issue into a directory the workflow reads:

    python -m phenom_client.alerting record canary-report.json
    python -m phenom_client.alerting decide canary-report.json --history canary-history.txt \\
        --issue-body canary-issue.md --run-url URL --out canary-alert
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path

from phenom_client.outcome import Outcome
from phenom_client.summary import failure_line, load_report

RUN_MARKER = "phenom-canary-run: "
_SINCE = re.compile(r"<!-- phenom-canary failing-since: (?P<since>\S+) -->")


class IssueAction(str, Enum):
    NONE = "none"
    OPEN = "open"
    UPDATE = "update"
    CLOSE = "close"


@dataclass(frozen=True)
class Run:
    """One canary run as the alert rule sees it."""

    outcome: Outcome
    finished_at: datetime
    failure: str = ""


@dataclass(frozen=True)
class Decision:
    """What to do with the `canary` issue, and why (one line for the job summary)."""

    action: IssueAction
    reason: str
    failing_since: datetime | None = None
    outage: timedelta | None = None


def run_of(report: dict | None, *, now: datetime) -> Run:
    """The run a report describes. No report means the job stopped before the round-trip (setup failed): the
    runner's fault, an infra-error, which the dead-man's alarm catches if it lasts."""
    if report is None or report.get("outcome") is None:
        return Run(Outcome.INFRA_ERROR, now, "the job stopped before the round-trip ran")
    return Run(Outcome(report["outcome"]), datetime.fromisoformat(report["finished_at"]), report.get("error") or "")


def counted(runs: Iterable[Run]) -> list[Run]:
    """The runs that say something about the service: every one but the infra errors."""
    return [run for run in runs if run.outcome is not Outcome.INFRA_ERROR]


def failing_streak(current: Run, previous: Sequence[Run]) -> list[Run]:
    """The failed runs in a row that end with `current` (newest first), infra errors skipped."""
    streak = []
    for run in [current, *counted(previous)]:
        if run.outcome is not Outcome.FAIL:
            break
        streak.append(run)
    return streak


def decide(
    current: Run, previous: Sequence[Run], *, issue_open: bool, failing_since: datetime | None = None
) -> Decision:
    """The rule. `previous`: earlier runs, newest first. `failing_since`: what the open issue says."""
    if current.outcome is Outcome.INFRA_ERROR:
        return Decision(
            IssueAction.NONE, "infra-error: the runner never reached the service; the issue is left as it is"
        )
    if current.outcome is Outcome.FAIL:
        streak = failing_streak(current, previous)
        since = failing_since or streak[-1].finished_at
        if issue_open:
            return Decision(IssueAction.UPDATE, "still failing: the open canary issue gets this run", since)
        if len(streak) >= 2:
            return Decision(IssueAction.OPEN, f"{len(streak)} failed runs in a row: the canary issue opens", since)
        return Decision(
            IssueAction.NONE, "first failed run: reported here only; the canary issue opens if the next run fails too"
        )
    if issue_open:
        since = failing_since or _streak_start(previous)
        outage = None if since is None else current.finished_at - since
        return Decision(
            IssueAction.CLOSE, f"recovered ({current.outcome.value}): the canary issue closes", since, outage
        )
    return Decision(IssueAction.NONE, f"{current.outcome.value}: nothing to alert")


def outage_length(outage: timedelta) -> str:
    """`1 h 35 min`, `20 min`, or `under a minute`."""
    minutes = int(outage.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    return " ".join(part for part in parts if part)


def since_marker(since: datetime) -> str:
    """The hidden line in the issue body that keeps the outage's start for the run that closes it."""
    return f"<!-- phenom-canary failing-since: {since.isoformat(timespec='seconds')} -->"


def failing_since_in(body: str) -> datetime | None:
    """The outage's start an issue body records, if any."""
    match = _SINCE.search(body)
    return datetime.fromisoformat(match["since"]) if match else None


def record_line(run: Run) -> str:
    """The line a run leaves in its log for the next runs."""
    document = {"outcome": run.outcome.value, "finished_at": run.finished_at.isoformat(timespec="seconds")}
    return RUN_MARKER + json.dumps(document, separators=(",", ":"))


def runs_in(log_lines: Iterable[str]) -> list[Run]:
    """The runs recorded in `gh run view --log` output (any prefix before the marker), in the order given."""
    runs = []
    for line in log_lines:
        _, marker, document = line.rpartition(RUN_MARKER)
        if not marker:
            continue
        try:
            recorded = json.loads(document)
            runs.append(Run(Outcome(recorded["outcome"]), datetime.fromisoformat(recorded["finished_at"])))
        except (ValueError, KeyError, TypeError):
            continue
    return runs


def issue_texts(decision: Decision, current: Run, run_url: str) -> tuple[str, str]:
    """The issue's title and the text of the body, comment or closing comment for `decision`."""
    title = f"Canary failing: {current.failure[:180]}"
    if decision.action is IssueAction.CLOSE:
        length = "unknown" if decision.outage is None else outage_length(decision.outage)
        return title, f"Recovered: every step passed ({current.outcome.value}) in {run_url}. Outage length: {length}."
    since = decision.failing_since or current.finished_at
    body = (
        f"The smoke round-trip against prod failed in consecutive runs, failing since "
        f"{since:%Y-%m-%d %H:%M} UTC.\n\n**Failing step:** {current.failure}\n\nRun: {run_url}\n"
    )
    return title, body + ("\n" + since_marker(since) + "\n" if decision.action is IssueAction.OPEN else "")


def _streak_start(previous: Sequence[Run]) -> datetime | None:
    start = None
    for run in counted(previous):
        if run.outcome is not Outcome.FAIL:
            break
        start = run.finished_at
    return start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    record = commands.add_parser("record", help="print the line this run leaves in its log")
    record.add_argument("report", type=Path)
    choose = commands.add_parser("decide", help="write action, title, body.md and summary.md into --out")
    choose.add_argument("report", type=Path)
    choose.add_argument("--history", type=Path, required=True, help="earlier runs' log lines, newest first")
    choose.add_argument("--issue-body", type=Path, help="the open canary issue's body; absent when none is open")
    choose.add_argument("--run-url", required=True)
    choose.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args(argv)

    now = datetime.now(UTC)
    report = load_report(arguments.report)
    current = run_of(report, now=now)
    if report is not None and current.outcome is Outcome.FAIL:
        current = Run(current.outcome, current.finished_at, failure_line(report, arguments.report))
    if arguments.command == "record":
        print(record_line(current))
        return 0
    history = arguments.history.read_text(encoding="utf-8").splitlines() if arguments.history.exists() else []
    issue_open = arguments.issue_body is not None and arguments.issue_body.exists()
    since = failing_since_in(arguments.issue_body.read_text(encoding="utf-8")) if issue_open else None
    decision = decide(current, runs_in(history), issue_open=issue_open, failing_since=since)
    title, text = issue_texts(decision, current, arguments.run_url)
    arguments.out.mkdir(parents=True, exist_ok=True)
    (arguments.out / "action").write_text(decision.action.value, encoding="utf-8")
    (arguments.out / "title").write_text(title, encoding="utf-8")
    (arguments.out / "body.md").write_text(text, encoding="utf-8")
    (arguments.out / "summary.md").write_text(f"**Alert:** {decision.reason}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
