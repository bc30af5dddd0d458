"""The canary's alert rule: two failed runs in a row open the issue, infra errors are ignored, recovery closes it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from phenom_client import alerting
from phenom_client.alerting import Decision, IssueAction, Run, decide, failing_since_in, outage_length, runs_in
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


FAILURE = "step 4/6 getPhenoms: got HTTP 503"
RUN_URL = "https://example.invalid/runs/7"


def at(minutes: int, outcome: Outcome = FAIL, failure: str = "") -> Run:
    return Run(outcome, START + timedelta(minutes=minutes), failure)


@pytest.mark.parametrize(
    ("current", "previous", "issue_open", "since", "decision"),
    [
        (
            at(60, INFRA),
            [at(30), at(0)],
            True,
            None,
            Decision(IssueAction.NONE, "infra-error: the runner never reached the service; the issue is left as it is"),
        ),
        (
            at(60),
            [at(30, PASS)],
            False,
            None,
            Decision(
                IssueAction.NONE,
                "first failed run: reported here only; the canary issue opens if the next run fails too",
            ),
        ),
        (
            at(90),
            [at(60), at(45, INFRA), at(30), at(0, PASS), at(-30)],
            False,
            None,
            Decision(IssueAction.OPEN, "3 failed runs in a row: the canary issue opens", START + timedelta(minutes=30)),
        ),
        (
            at(90),
            [at(60), at(30, PASS)],
            True,
            None,
            Decision(
                IssueAction.UPDATE, "still failing: the open canary issue gets this run", START + timedelta(minutes=60)
            ),
        ),
        (
            at(90),
            [at(60)],
            True,
            START,
            Decision(IssueAction.UPDATE, "still failing: the open canary issue gets this run", START),
        ),
        (
            at(95, PASS),
            [at(60), at(45, INFRA), at(30), at(0, PASS), at(-30)],
            True,
            None,
            Decision(
                IssueAction.CLOSE,
                "recovered (pass): the canary issue closes",
                START + timedelta(minutes=30),
                timedelta(minutes=65),
            ),
        ),
        (
            at(95, DEGRADED),
            [at(60)],
            True,
            START,
            Decision(IssueAction.CLOSE, "recovered (degraded): the canary issue closes", START, timedelta(minutes=95)),
        ),
        (
            at(95, PASS),
            [at(60, PASS), at(30)],
            True,
            None,
            Decision(IssueAction.CLOSE, "recovered (pass): the canary issue closes"),
        ),
        (at(95, PASS), [at(60)], False, None, Decision(IssueAction.NONE, "pass: nothing to alert")),
        (at(95, DEGRADED), [], False, None, Decision(IssueAction.NONE, "degraded: nothing to alert")),
    ],
    ids=[
        "infra-error",
        "first-failure",
        "third-failure-opens",
        "update-since-the-streak",
        "update-since-the-issue",
        "close-since-the-history",
        "close-since-the-issue",
        "close-with-no-start",
        "pass",
        "degraded",
    ],
)
def test_the_rule_decides_the_action_its_reason_the_outages_start_and_length(
    current, previous, issue_open, since, decision
):
    assert decide(current, previous, issue_open=issue_open, failing_since=since) == decision


@pytest.mark.parametrize(
    ("outage", "length"),
    [
        (timedelta(0), "under a minute"),
        (timedelta(seconds=59), "under a minute"),
        (timedelta(seconds=119), "1 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=25), "1 d 1 h"),
        (timedelta(days=2, minutes=5), "2 d 5 min"),
        (timedelta(days=1, hours=23, minutes=59), "1 d 23 h 59 min"),
    ],
)
def test_an_outage_reads_in_whole_days_hours_and_minutes(outage, length):
    assert outage_length(outage) == length


def test_the_since_marker_is_a_hidden_comment_read_back_to_the_second():
    since = datetime(2026, 12, 1, 6, 30, 15, 999, tzinfo=UTC)
    marker = alerting.since_marker(since)
    assert marker == "<!-- phenom-canary failing-since: 2026-12-01T06:30:15+00:00 -->"
    assert failing_since_in(f"The smoke round-trip failed.\n\n{marker}\n") == since.replace(microsecond=0)
    assert failing_since_in("The smoke round-trip failed.") is None


def test_a_run_leaves_its_outcome_and_time_to_the_second_on_one_line():
    run = Run(DEGRADED, datetime(2026, 12, 1, 6, 0, 5, 123, tzinfo=UTC), "ignored")
    assert alerting.record_line(run) == (
        'phenom-canary-run: {"outcome":"degraded","finished_at":"2026-12-01T06:00:05+00:00"}'
    )


def test_lines_that_are_not_a_run_are_skipped_and_the_rest_kept_in_order():
    log = [
        "noise before the first run",
        alerting.record_line(at(30)),
        "phenom-canary-run: not json",
        'phenom-canary-run: {"outcome":"exploded","finished_at":"2026-12-01T06:00:00+00:00"}',
        'phenom-canary-run: {"outcome":"fail"}',
        "phenom-canary-run: [1]",
        'phenom-canary-run: {"outcome":"fail","finished_at":5}',
        "job\tstep\t" + alerting.record_line(at(0, PASS)),
        "a step named phenom-canary-run: record\t" + alerting.record_line(at(-30)),
    ]
    assert runs_in(log) == [at(30), at(0, PASS), at(-30)]


@pytest.mark.parametrize(
    ("report", "run"),
    [
        (None, Run(INFRA, START, "the job stopped before the round-trip ran")),
        ({"outcome": None, "error": "x"}, Run(INFRA, START, "the job stopped before the round-trip ran")),
        ({"outcome": "fail", "finished_at": "2026-12-01T05:00:00+00:00", "error": FAILURE}, at(-60, FAIL, FAILURE)),
        ({"outcome": "pass", "finished_at": "2026-12-01T05:00:00+00:00", "error": None}, at(-60, PASS)),
    ],
)
def test_a_report_is_read_as_a_run_and_no_report_as_an_infra_error(report, run):
    assert alerting.run_of(report, now=START) == run


def test_the_opened_issue_names_the_failing_step_the_run_and_keeps_the_start():
    current = at(30, FAIL, FAILURE)
    decision = decide(current, [at(0)], issue_open=False)
    assert alerting.issue_texts(decision, current, RUN_URL) == (
        f"Canary failing: {FAILURE}",
        "The smoke round-trip against prod failed in consecutive runs, failing since 2026-12-01 06:00 UTC.\n\n"
        f"**Failing step:** {FAILURE}\n\nRun: {RUN_URL}\n\n"
        "<!-- phenom-canary failing-since: 2026-12-01T06:00:00+00:00 -->\n",
    )


def test_a_comment_on_the_open_issue_has_no_second_marker_and_a_long_failure_is_cut_in_the_title():
    current = at(30, FAIL, "x" * 200)
    decision = decide(current, [], issue_open=True, failing_since=START)
    title, body = alerting.issue_texts(decision, current, RUN_URL)
    assert title == "Canary failing: " + "x" * 180
    assert body == (
        "The smoke round-trip against prod failed in consecutive runs, failing since 2026-12-01 06:00 UTC.\n\n"
        f"**Failing step:** {'x' * 200}\n\nRun: {RUN_URL}\n"
    )


def test_a_first_failure_is_described_from_its_own_time():
    current = at(30, FAIL, FAILURE)
    _, body = alerting.issue_texts(Decision(IssueAction.NONE, "first failed run"), current, RUN_URL)
    assert body.startswith(
        "The smoke round-trip against prod failed in consecutive runs, failing since 2026-12-01 06:30 UTC."
    )


@pytest.mark.parametrize(("outage", "length"), [(timedelta(minutes=95), "1 h 35 min"), (None, "unknown")])
def test_the_closing_comment_gives_the_recovery_run_and_the_outages_length(outage, length):
    current = at(95, DEGRADED)
    decision = Decision(IssueAction.CLOSE, "recovered", START, outage)
    assert alerting.issue_texts(decision, current, RUN_URL)[1] == (
        f"Recovered: every step passed (degraded) in {RUN_URL}. Outage length: {length}."
    )


def report_json(outcome: str, error: str | None, finished_at: datetime = START) -> dict:
    status = {"fail": "failed", "pass": "passed"}.get(outcome, "failed")
    return {
        "env": "prod",
        "git_sha": "abc",
        "status": status,
        "outcome": outcome,
        "flaky": False,
        "finished_at": finished_at.isoformat(),
        "total_ms": 1.0,
        "error": error,
        "cleanup": None,
        "schema_drift": None,
        "steps": [],
    }


def decide_in(
    tmp_path, report: dict | None, history: list[Run] | None, issue_body: str | None, log_prefix: str = ""
) -> dict[str, str]:
    """Run `decide` on files under tmp_path (each history line after `log_prefix`); the files it wrote, by name."""
    arguments = ["decide", str(tmp_path / "report.json"), "--history", str(tmp_path / "history.txt")]
    if report is not None:
        (tmp_path / "report.json").write_text(json.dumps(report), encoding="utf-8")
    if history is not None:
        (tmp_path / "history.txt").write_text(
            "".join(f"{log_prefix}{alerting.record_line(run)}\n" for run in history), encoding="utf-8"
        )
    if issue_body is not None:
        (tmp_path / "issue.md").write_text(issue_body, encoding="utf-8")
    arguments += ["--issue-body", str(tmp_path / "issue.md"), "--run-url", RUN_URL, "--out", str(tmp_path / "a" / "b")]
    assert alerting.main(arguments) == 0
    return {path.name: path.read_text(encoding="utf-8") for path in (tmp_path / "a" / "b").iterdir()}


def test_decide_writes_the_action_title_body_and_summary_line_of_an_opening(tmp_path):
    written = decide_in(tmp_path, report_json("fail", FAILURE, START + timedelta(minutes=30)), [at(0)], None)
    assert written == {
        "action": "open",
        "title": f"Canary failing: {FAILURE}",
        "body.md": "The smoke round-trip against prod failed in consecutive runs, failing since 2026-12-01 06:00 UTC."
        f"\n\n**Failing step:** {FAILURE}\n\nRun: {RUN_URL}\n\n"
        "<!-- phenom-canary failing-since: 2026-12-01T06:00:00+00:00 -->\n",
        "summary.md": "**Alert:** 2 failed runs in a row: the canary issue opens\n",
    }


def test_decide_closes_the_open_issue_from_the_start_its_body_keeps(tmp_path):
    body = "failing\n\n" + alerting.since_marker(START) + "\n"
    written = decide_in(tmp_path, report_json("pass", None, START + timedelta(minutes=95)), [at(60)], body)
    assert (written["action"], written["body.md"], written["summary.md"]) == (
        "close",
        f"Recovered: every step passed (pass) in {RUN_URL}. Outage length: 1 h 35 min.",
        "**Alert:** recovered (pass): the canary issue closes\n",
    )


def test_decide_without_a_history_file_or_an_open_issue_waits_for_a_second_failure(tmp_path):
    written = decide_in(tmp_path, report_json("fail", FAILURE), None, None)
    assert (written["action"], written["summary.md"]) == (
        "none",
        "**Alert:** first failed run: reported here only; the canary issue opens if the next run fails too\n",
    )


def test_decide_titles_a_failure_with_the_failure_line_of_the_summary(tmp_path):
    report = report_json("fail", FAILURE) | {"schema_drift": ["breaking: Field Phenom.lat was removed."]}
    written = decide_in(tmp_path, report, [], alerting.since_marker(START))
    assert (written["action"], written["title"]) == (
        "update",
        f"Canary failing: {FAILURE}; schema drift: 1 difference(s) from hasura/schema/user.graphql, "
        "e.g. breaking: Field Phenom.lat was removed.",
    )


def test_record_prints_the_reports_outcome_and_time(tmp_path, capsys):
    (tmp_path / "report.json").write_text(json.dumps(report_json("fail", FAILURE)), encoding="utf-8")
    assert alerting.main(["record", str(tmp_path / "report.json")]) == 0
    assert capsys.readouterr().out == alerting.record_line(at(0)) + "\n"


def test_record_of_a_missing_report_is_an_infra_error_now(tmp_path, capsys):
    before = datetime.now(UTC).replace(microsecond=0)
    alerting.main(["record", str(tmp_path / "missing.json")])
    (run,) = runs_in(capsys.readouterr().out.splitlines())
    assert run.outcome is INFRA and before <= run.finished_at <= datetime.now(UTC)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "the following arguments are required: command"),
        (["decide", "r.json"], "the following arguments are required: --history, --run-url, --out"),
    ],
)
def test_the_command_refuses_a_call_without_what_it_needs(arguments, message, capsys):
    with pytest.raises(SystemExit) as leaving:
        alerting.main(arguments)
    assert leaving.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(f"error: {message}")


@pytest.mark.parametrize(
    ("arguments", "lines"),
    [
        (
            [],
            [
                "The canary's alert rule, as plain functions the workflow calls: the `canary` issue opens only after two "
                "consecutive",
                "record print the line this run leaves in its log",
                "decide write action, title, body.md and summary.md into --out",
            ],
        ),
        (
            ["decide"],
            [
                "--history HISTORY earlier runs' log lines, newest first",
                "--issue-body ISSUE_BODY",
                "the open canary issue's body; absent when none is open",
            ],
        ),
    ],
)
def test_the_command_help_says_what_each_command_and_option_is(arguments, lines, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit):
        alerting.main([*arguments, "--help"])
    shown = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert [line for line in lines if line not in shown] == []


def test_the_command_reads_and_writes_utf8_whatever_the_locale(tmp_path, c_locale):
    # A failure message, a run log's prefix or an issue body may hold any character; the runner's locale may be C.
    failure = "step 4/6 getPhenoms: réponse 503 …"
    report = report_json("fail", failure, START + timedelta(minutes=30))
    body = "échec\n" + alerting.since_marker(START)
    written = decide_in(tmp_path, report, [at(0)], body, log_prefix="canary\tRecord — the outcome\t")
    assert written == {
        "action": "update",
        "title": f"Canary failing: {failure}",
        "body.md": "The smoke round-trip against prod failed in consecutive runs, failing since 2026-12-01 06:00 UTC."
        f"\n\n**Failing step:** {failure}\n\nRun: {RUN_URL}\n",
        "summary.md": "**Alert:** still failing: the open canary issue gets this run\n",
    }


def test_decide_writes_over_an_earlier_decision_in_the_same_directory(tmp_path):
    decide_in(tmp_path, report_json("fail", FAILURE), [], None)
    written = decide_in(tmp_path, report_json("fail", FAILURE, START + timedelta(minutes=30)), [at(0)], None)
    assert written["action"] == "open"


def test_decide_on_a_missing_report_leaves_the_issue_alone_and_says_the_job_stopped(tmp_path):
    written = decide_in(tmp_path, None, [at(0)], alerting.since_marker(START))
    assert (written["action"], written["title"], written["summary.md"]) == (
        "none",
        "Canary failing: the job stopped before the round-trip ran",
        "**Alert:** infra-error: the runner never reached the service; the issue is left as it is\n",
    )


def test_decide_on_a_passing_run_titles_nothing_as_failing(tmp_path):
    written = decide_in(tmp_path, report_json("pass", None), [at(-30)], None)
    assert (written["action"], written["title"]) == ("none", "Canary failing: ")
