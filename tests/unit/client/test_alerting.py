"""The canary's alert rule: two failed runs in a row open the issue, infra errors are ignored, recovery closes it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from phenom_client import alerting
from phenom_client.alerting import IssueAction, Run, decide, failing_since_in, outage_length, runs_in
from phenom_client.outcome import Outcome

pytestmark = pytest.mark.unit

START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
PASS, DEGRADED, FAIL, INFRA = Outcome.PASS, Outcome.DEGRADED, Outcome.FAIL, Outcome.INFRA_ERROR


def runs(*outcomes: Outcome) -> list[Run]:
    """Runs every 30 minutes from START, returned newest first (as the workflow reads them)."""
    return [Run(outcome, START + timedelta(minutes=30 * index)) for index, outcome in enumerate(outcomes)][::-1]


def after(*outcomes: Outcome, issue_open: bool = False, since: datetime | None = None):
    newest, *previous = runs(*outcomes)
    return decide(newest, previous, issue_open=issue_open, failing_since=since)


def test_a_single_failed_run_opens_nothing():
    decision = after(PASS, FAIL)
    assert decision.action is IssueAction.NONE
    assert "first failed run" in decision.reason


def test_the_second_failed_run_in_a_row_opens_the_issue_from_the_first_failure():
    decision = after(PASS, FAIL, FAIL)
    assert decision.action is IssueAction.OPEN
    assert decision.failing_since == START + timedelta(minutes=30)


def test_infra_errors_neither_count_as_failures_nor_break_a_streak():
    assert after(PASS, INFRA, FAIL).action is IssueAction.NONE
    assert after(PASS, FAIL, INFRA, INFRA, FAIL).action is IssueAction.OPEN
    assert after(FAIL, INFRA).action is IssueAction.NONE


def test_an_infra_error_never_closes_or_updates_an_open_issue():
    assert after(FAIL, FAIL, INFRA, issue_open=True).action is IssueAction.NONE


def test_a_failure_while_the_issue_is_open_updates_it():
    assert after(FAIL, FAIL, FAIL, issue_open=True).action is IssueAction.UPDATE


@pytest.mark.parametrize("recovered", [PASS, DEGRADED])
def test_recovery_closes_the_issue_with_the_outages_length(recovered):
    decision = after(PASS, FAIL, FAIL, FAIL, recovered, issue_open=True, since=START + timedelta(minutes=30))
    assert decision.action is IssueAction.CLOSE
    assert decision.outage == timedelta(minutes=90)
    assert outage_length(decision.outage) == "1 h 30 min"


def test_recovery_without_a_recorded_start_takes_it_from_the_history():
    assert after(PASS, FAIL, FAIL, PASS, issue_open=True).outage == timedelta(minutes=60)


def test_a_pass_with_no_issue_open_does_nothing():
    assert after(FAIL, PASS).action is IssueAction.NONE


def test_outage_lengths_read_in_days_hours_and_minutes():
    assert outage_length(timedelta(seconds=20)) == "under a minute"
    assert outage_length(timedelta(days=1, hours=2, minutes=5)) == "1 d 2 h 5 min"


def test_the_issue_body_keeps_the_outages_start_for_the_run_that_closes_it():
    decision = after(PASS, FAIL, FAIL)
    newest = runs(PASS, FAIL, FAIL)[0]
    _, body = alerting.issue_texts(decision, newest, "https://example.invalid/run")
    assert failing_since_in(body) == START + timedelta(minutes=30)


def test_recorded_lines_are_read_back_from_a_run_log_whatever_precedes_them():
    line = alerting.record_line(Run(FAIL, START))
    log = [f"smoke\tRecord the outcome\t2026-12-01T06:00:01.0Z {line}", "noise", "x phenom-canary-run: {broken"]
    assert runs_in(log) == [Run(FAIL, START)]


def test_the_cli_decides_from_a_report_and_the_history(tmp_path):
    report = {"outcome": "fail", "finished_at": START.isoformat(), "error": "step 4/6 getPhenoms: got HTTP 503"}
    for key in ("status", "steps", "env", "git_sha"):
        report.setdefault(key, "failed" if key == "status" else [] if key == "steps" else "prod")
    (tmp_path / "r.json").write_text(json.dumps(report))
    (tmp_path / "history.txt").write_text(alerting.record_line(Run(FAIL, START - timedelta(minutes=30))) + "\n")
    arguments = ["decide", str(tmp_path / "r.json"), "--history", str(tmp_path / "history.txt")]
    arguments += ["--run-url", "https://example.invalid/run", "--out", str(tmp_path / "alert")]
    assert alerting.main(arguments) == 0
    assert (tmp_path / "alert" / "action").read_text() == "open"
    assert (tmp_path / "alert" / "title").read_text() == "Canary failing: step 4/6 getPhenoms: got HTTP 503"
    assert "2 failed runs in a row" in (tmp_path / "alert" / "summary.md").read_text()


def test_a_missing_report_is_an_infra_error_that_alerts_nobody(tmp_path, capsys):
    alerting.main(["record", str(tmp_path / "missing.json")])
    assert '"outcome":"infra-error"' in capsys.readouterr().out
