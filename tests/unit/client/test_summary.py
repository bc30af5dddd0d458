"""The canary's job summary: the exact markdown of a report, the one line naming what failed, and the command line."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from phenom_client import summary

pytestmark = pytest.mark.unit

LIMITS = {"degraded_ms": 1000, "failed_ms": 5000}
PATH = Path("canary-report.json")


def attempt(operation: str, number: int, error: str | None = None) -> dict:
    return {"operation": operation, "number": number, "ms": 50.0, "error": error, "unreached": False}


def step(number: int, name: str, status: str, ms: float | None, **fields: object) -> dict:
    fields = {"error": None, "degraded": False, "flaky": False, "threshold": LIMITS, "attempts": [], **fields}
    return {"number": number, "name": name, "status": status, "ms": ms, "trace_id": None, **fields}


# A report as --phenom-report writes it: a retried sign-in, a slow and retried createPhenom, an upload without limits,
# getPhenoms failing after three tries, download not run; with text that needs escaping in a table cell.
FAILED = {
    "env": "prod",
    "git_sha": "0123456789abcdef0123",
    "status": "failed",
    "outcome": "fail",
    "flaky": True,
    "finished_at": "2026-12-01T06:30:00+00:00",
    "total_ms": 2345.6,
    "error": "step 4/5 getPhenoms: got HTTP 503 | Service\nUnavailable",
    "cleanup": "deleted phenom p1 | kept\nnothing",
    "schema_drift": ["breaking: Field Phenom.lat | x was removed.", "dangerous: y\nz"],
    "steps": [
        step(
            1,
            "sign in",
            "passed",
            120.4,
            flaky=True,
            trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
            attempts=[attempt("sign in", 1, "throttled"), attempt("sign in", 2)],
        ),
        step(
            2,
            "createPhenom",
            "passed",
            1500.4,
            degraded=True,
            flaky=True,
            trace_id="00f067aa0ba902b700f067aa0ba902b7",
            attempts=[attempt("createPhenom", 1, "HTTP 502"), attempt("createPhenom", 2)],
        ),
        step(3, "upload", "passed", 300.2, threshold=None, trace_id="0af7651916cd43dd8448eb211c80319c"),
        step(
            4,
            "getPhenoms",
            "failed",
            425.0,
            error="got HTTP 503 | Service\nUnavailable",
            trace_id="b7ad6b7169203331b7ad6b7169203331",
            attempts=[attempt("getPhenoms", n, "got HTTP 503") for n in (1, 2, 3)],
        ),
        step(5, "download", "not run", None, error="not run because step 4/5 getPhenoms failed"),
    ],
}

FAILED_MARKDOWN = """\
### Phenom smoke: failed (env `prod`, revision `0123456789ab`)

**Outcome:** ❌ `fail` (flaky: a step passed only after a retry): a step failed, or took longer than its failed_ms

| # | step | status | ms | retried calls | error | limits ms (degraded/failed) | attempts | flags | trace id |
| ---: | --- | --- | ---: | ---: | --- | ---: | ---: | --- | --- |
| 1 | sign in | ✅ passed | 120 | 1 |  | 1000/5000 | 2 | flaky | `4bf92f3577b34da6a3ce929d0e0e4736` |
| 2 | createPhenom | ✅ passed | 1500 | 1 |  | 1000/5000 | 2 | degraded, flaky | `00f067aa0ba902b700f067aa0ba902b7` |
| 3 | upload | ✅ passed | 300 |  |  |  |  |  | `0af7651916cd43dd8448eb211c80319c` |
| 4 | getPhenoms | ❌ failed | 425 | 1 | got HTTP 503 \\| Service Unavailable | 1000/5000 | 3 |  | `b7ad6b7169203331b7ad6b7169203331` |
| 5 | download | ⏭️ not run |  |  | not run because step 4/5 getPhenoms failed | 1000/5000 |  |  |  |
| | **total** | | **2346** | | | | | | |

**Failure:** step 4/5 getPhenoms: got HTTP 503 \\| Service Unavailable

**Cleanup:** deleted phenom p1 \\| kept nothing

**Schema drift:** the deployed schema is not `hasura/schema/user.graphql` of this revision:
- breaking: Field Phenom.lat \\| x was removed.
- dangerous: y z
"""

PASSED = {
    **FAILED,
    "git_sha": "abc",
    "status": "passed",
    "outcome": "pass",
    "flaky": False,
    "total_ms": 80.0,
    "error": None,
    "cleanup": None,
    "schema_drift": None,
    "steps": [step(1, "sign in", "passed", 80.0, threshold=None, attempts=[attempt("sign in", 1)])],
}

PASSED_MARKDOWN = """\
### Phenom smoke: passed (env `prod`, revision `abc`)

**Outcome:** ✅ `pass`: every step passed within its degraded_ms

| # | step | status | ms | retried calls | error | limits ms (degraded/failed) | attempts | flags | trace id |
| ---: | --- | --- | ---: | ---: | --- | ---: | ---: | --- | --- |
| 1 | sign in | ✅ passed | 80 |  |  |  | 1 |  |  |
| | **total** | | **80** | | | | | | |
"""


def with_fields(report: dict, **fields: object) -> dict:
    return {**copy.deepcopy(report), **fields}


def test_the_markdown_of_a_failed_run_names_every_step_its_limits_tries_flags_and_trace():
    assert summary.markdown(FAILED, PATH) == FAILED_MARKDOWN


def test_the_markdown_of_a_passing_run_has_no_failure_cleanup_or_drift_section():
    assert summary.markdown(PASSED, PATH) == PASSED_MARKDOWN


@pytest.mark.parametrize(
    ("outcome", "line"),
    [
        ("pass", "**Outcome:** ✅ `pass`: every step passed within its degraded_ms"),
        ("degraded", "**Outcome:** 🐢 `degraded`: every step passed, at least one slower than its degraded_ms"),
        ("fail", "**Outcome:** ❌ `fail`: a step failed, or took longer than its failed_ms"),
        (
            "infra-error",
            "**Outcome:** 🔌 `infra-error`: the runner never reached the service (DNS, connection refused or timed "
            "out before any answer, or no AWS credentials for the smoke secret): not counted against the service",
        ),
    ],
)
def test_the_outcome_line_marks_and_explains_each_outcome(outcome, line):
    assert summary.markdown(with_fields(PASSED, outcome=outcome), PATH).splitlines()[2] == line


def test_a_report_without_an_outcome_has_no_outcome_line():
    lines = summary.markdown(with_fields(PASSED, outcome=None), PATH).splitlines()
    assert lines[:3] == ["### Phenom smoke: passed (env `prod`, revision `abc`)", "", PASSED_MARKDOWN.splitlines()[4]]


def test_a_failed_run_without_a_recorded_error_has_no_failure_line():
    report = with_fields(FAILED, error=None, cleanup=None, schema_drift=[])
    assert summary.markdown(report, PATH) == FAILED_MARKDOWN.split("\n**Failure:**")[0]


def test_a_step_status_this_revision_does_not_know_is_shown_as_written():
    report = with_fields(PASSED, steps=[step(1, "sign in", "skipped", None, threshold=None)])
    assert "| 1 | sign in | skipped |  |  |  |  |  |  |  |" in summary.markdown(report, PATH).splitlines()


def test_a_missing_report_says_the_job_stopped_before_the_round_trip():
    assert summary.markdown(None, PATH) == (
        "### Phenom smoke: no report\n\n"
        "`canary-report.json` was not written: the job stopped before the round-trip ran; see the job log.\n"
    )


DRIFT = ["breaking: Field Phenom.lat was removed.", "dangerous: y"]
DRIFT_LINE = (
    "schema drift: 2 difference(s) from hasura/schema/user.graphql, e.g. breaking: Field Phenom.lat was removed."
)


@pytest.mark.parametrize(
    ("report", "line"),
    [
        (None, "the job stopped before the round-trip ran (canary-report.json was not written)"),
        (PASSED, "every step passed"),
        (with_fields(PASSED, schema_drift=[]), "every step passed"),
        (with_fields(PASSED, schema_drift=DRIFT), DRIFT_LINE),
        (FAILED | {"schema_drift": None}, "step 4/5 getPhenoms: got HTTP 503 | Service\nUnavailable"),
        (with_fields(FAILED, error=None, schema_drift=None), "the round-trip failed without a recorded error"),
        (
            with_fields(FAILED, error="step 1/5 sign in: refused", schema_drift=DRIFT),
            f"step 1/5 sign in: refused; {DRIFT_LINE}",
        ),
        (
            with_fields(FAILED, status="not run", error="the round-trip test was not selected"),
            "the round-trip test was not selected; schema drift: 2 difference(s) from hasura/schema/user.graphql, e.g. breaking: Field Phenom.lat | x was removed.",
        ),
    ],
    ids=[
        "no-report",
        "passed",
        "passed-no-drift",
        "passed-with-drift",
        "failed",
        "failed-no-error",
        "failed-with-drift",
        "not-run",
    ],
)
def test_the_failure_line_names_what_failed(report, line):
    assert summary.failure_line(report, PATH) == line


def write(tmp_path: Path, report: dict) -> Path:
    path = tmp_path / "canary-report.json"
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_command_prints_the_markdown_once_terminated(tmp_path, capsys):
    assert summary.main([str(write(tmp_path, FAILED))]) == 0
    assert capsys.readouterr().out == FAILED_MARKDOWN


def test_the_command_prints_the_failure_line_with_a_newline(tmp_path, capsys):
    assert summary.main(["--failure", str(write(tmp_path, FAILED))]) == 0
    assert capsys.readouterr().out == (
        "step 4/5 getPhenoms: got HTTP 503 | Service\nUnavailable; schema drift: 2 difference(s) from "
        "hasura/schema/user.graphql, e.g. breaking: Field Phenom.lat | x was removed.\n"
    )


def test_the_command_names_the_missing_report_by_the_path_it_was_given(tmp_path, capsys):
    missing = tmp_path / "nowhere.json"
    summary.main(["--failure", str(missing)])
    assert capsys.readouterr().out == f"the job stopped before the round-trip ran ({missing} was not written)\n"
    summary.main([str(missing)])
    assert (
        capsys.readouterr().out.splitlines()[2]
        == f"`{missing}` was not written: the job stopped before the round-trip ran; see the job log."
    )


def test_the_command_help_says_what_it_renders_and_what_each_argument_is(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as leaving:
        summary.main(["--help"])
    assert leaving.value.code == 0
    lines = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert (
        "Render a --phenom-report JSON as markdown for $GITHUB_STEP_SUMMARY, or as the one line naming the failing step."
        in lines
    )
    assert "report the JSON file pytest wrote with --phenom-report" in lines
    assert "--failure print only the line naming the failing step" in lines


def test_the_command_reads_the_report_as_utf8_whatever_the_locale(tmp_path, capsys, c_locale):
    # The canary may run it where the locale is plain C; the report's text is UTF-8 (user-written errors).
    report = with_fields(FAILED, error="step 4/5 getPhenoms: réponse 503 …")
    summary.main([str(write(tmp_path, report))])
    assert capsys.readouterr().out == summary.markdown(report, PATH)
