"""The --phenom-report JSON, the terminal table and the markdown summary the canary writes."""

from __future__ import annotations

import json

import pytest

from phenom_client import summary
from phenom_client.errors import TransferFailed
from phenom_client.report import build_report, git_revision, table_lines
from phenom_client.retry import Attempt
from phenom_client.roundtrip import ROUNDTRIP_STEPS, RoundTripOutcome, SmokeObject
from phenom_client.steps import StepFailed, StepRunner

pytestmark = pytest.mark.unit


def failed_at_upload() -> RoundTripOutcome:
    ticks = iter(range(100))
    runner = StepRunner(ROUNDTRIP_STEPS, clock=lambda: next(ticks) / 10)
    runner.run("sign in", lambda: None)
    runner.run("createPhenom", lambda: None)
    with pytest.raises(StepFailed):
        runner.run(
            "upload", lambda: (_ for _ in ()).throw(TransferFailed("PUT returned 403 SignatureDoesNotMatch | x"))
        )
    return RoundTripOutcome(runner, SmokeObject("20251127T060000Z-abcdef12"), cleanup="deleted phenom p1")


def test_the_report_lists_every_step_with_status_ms_and_error():
    report = build_report("prod", "abc123", failed_at_upload())
    assert json.loads(json.dumps(report)) == report
    assert (report["env"], report["git_sha"], report["status"], report["total_ms"]) == (
        "prod",
        "abc123",
        "failed",
        300.0,
    )
    assert [(s["name"], s["status"], s["ms"]) for s in report["steps"]] == [
        ("sign in", "passed", 100.0),
        ("createPhenom", "passed", 100.0),
        ("upload", "failed", 100.0),
        ("getPhenoms", "not run", None),
        ("download", "not run", None),
        ("deletePhenom", "not run", None),
    ]
    assert report["error"] == "step 3/6 upload: PUT returned 403 SignatureDoesNotMatch | x"
    assert report["steps"][3]["error"] == "not run because step 3/6 upload failed"


def test_a_round_trip_that_never_started_is_all_not_run_with_the_reason():
    report = build_report("prod", "unknown", None, "the round-trip could not start: no smoke password")
    assert report["status"] == "failed"
    assert {step["status"] for step in report["steps"]} == {"not run"}
    assert report["error"] == "the round-trip could not start: no smoke password"


def test_the_terminal_table_has_a_line_per_step_and_a_total():
    lines = table_lines(build_report("prod", "abc", failed_at_upload()))
    assert lines[3].split() == [
        "3",
        "upload",
        "failed",
        "100",
        "PUT",
        "returned",
        "403",
        "SignatureDoesNotMatch",
        "|",
        "x",
    ]
    assert lines[7].split() == ["total", "failed", "300"]
    assert lines[-1] == "cleanup: deleted phenom p1"


def test_markdown_has_a_row_per_step_with_pipes_escaped():
    text = summary.markdown(build_report("prod", "abc", failed_at_upload()), summary.Path("r.json"))
    assert text.startswith("### Phenom smoke: failed (env `prod`, revision `abc`)")
    assert "| 3 | upload | ❌ failed | 100 |  | PUT returned 403 SignatureDoesNotMatch \\| x |" in text
    assert "| 4 | getPhenoms | ⏭️ not run |  |  | not run because step 3/6 upload failed |" in text
    assert "| | **total** | | **300** | | |" in text


def test_the_failure_line_names_the_failing_step():
    report = build_report("prod", "abc", failed_at_upload())
    assert (
        summary.failure_line(report, summary.Path("r.json"))
        == "step 3/6 upload: PUT returned 403 SignatureDoesNotMatch | x"
    )


def test_a_missing_report_is_said_in_both_forms(tmp_path, capsys):
    missing = tmp_path / "canary-report.json"
    assert summary.main([str(missing)]) == 0
    assert "was not written: the job stopped before the round-trip ran" in capsys.readouterr().out
    summary.main(["--failure", str(missing)])
    assert capsys.readouterr().out.startswith("the job stopped before the round-trip ran")


def test_the_cli_renders_a_written_report(tmp_path, capsys):
    path = tmp_path / "report.json"
    path.write_text(json.dumps(build_report("prod", "abc", failed_at_upload())))
    summary.main([str(path)])
    assert "| 1 | sign in | ✅ passed | 100 |" in capsys.readouterr().out


def test_git_revision_outside_a_repository_is_unknown(tmp_path, monkeypatch):
    # TMPDIR may lie inside a checkout (the worktree's own .tmp/): git must not look above tmp_path for one.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert git_revision(tmp_path) == "unknown"


def test_each_attempt_is_in_the_report_and_retried_calls_are_counted():
    # GIVEN a sign-in that was throttled once, then succeeded
    ticks = iter(range(100))
    runner = StepRunner(ROUNDTRIP_STEPS, clock=lambda: next(ticks) / 10)

    def throttled_sign_in() -> None:
        runner.record_attempt(
            Attempt("sign in", 1, 5.0, "Cognito refused USER_PASSWORD_AUTH: TooManyRequestsException")
        )
        runner.record_attempt(Attempt("sign in", 2, 7.0))

    runner.run("sign in", throttled_sign_in)
    report = build_report("prod", "abc", RoundTripOutcome(runner, SmokeObject("20251127T060000Z-abcdef12")))
    # THEN both attempts are listed and the sign-in counts as one retried call everywhere
    assert [(a["number"], a["error"] is None) for a in report["steps"][0]["attempts"]] == [(1, False), (2, True)]
    assert table_lines(report)[1].endswith("1 retried")
    assert "| 1 | sign in | ✅ passed | 100 | 1 |  |" in summary.markdown(report, summary.Path("r.json"))
