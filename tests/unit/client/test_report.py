"""The --phenom-report JSON, the terminal table and the markdown summary the canary writes."""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, datetime

import pytest

from phenom_client import summary
from phenom_client.environments import StepThreshold
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
    # The temporary directory may itself lie inside a checkout (TMPDIR in a worktree): git must not look above it.
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


NOW = datetime(2026, 12, 1, 6, 30, 15, 123456, tzinfo=UTC)
LIMITS = {"degraded_ms": 1000, "failed_ms": 5000}


def failed_at_get_phenoms() -> RoundTripOutcome:
    """A run whose sign-in was retried, whose createPhenom was slow, and whose getPhenoms got no answer; the clock
    gives times with more decimals than the report keeps."""
    ticks = iter([0.0, 0.123456, 1.0, 2.5004, 3.0, 3.1, 4.0, 4.05])
    thresholds = {name: StepThreshold(degraded_ms=1000, failed_ms=5000) for name in ROUNDTRIP_STEPS[:3]}
    runner = StepRunner(ROUNDTRIP_STEPS, thresholds=thresholds, clock=lambda: next(ticks))

    def sign_in() -> None:
        runner.record_attempt(Attempt("sign in", 1, 5.678, "throttled"))
        runner.record_attempt(Attempt("sign in", 2, 7.0))

    def no_answer() -> None:
        runner.record_attempt(Attempt("getPhenoms", 1, 50.0, "no answer", unreached=True))
        raise RuntimeError("boom")

    runner.run("sign in", sign_in)
    runner.run("createPhenom", lambda: runner.record_attempt(Attempt("createPhenom", 1, 1500.04)))
    runner.run("upload", lambda: None)
    with pytest.raises(StepFailed):
        runner.run("getPhenoms", no_answer)
    return RoundTripOutcome(runner, SmokeObject("20261201T120000Z-abcdef12"), cleanup="deleted phenom p1")


def unrun(number: int, name: str, error: str | None, threshold: dict | None = None) -> dict:
    return {
        "number": number,
        "name": name,
        "status": "not run",
        "ms": None,
        "error": error,
        "degraded": False,
        "flaky": False,
        "threshold": threshold,
        "trace_id": None,
        "attempts": [],
    }


def test_the_report_is_the_runs_json_with_every_field_of_every_step_and_attempt():
    outcome = failed_at_get_phenoms()
    traces = [record.trace_id for record in outcome.steps.records]
    passed = {"status": "passed", "error": None, "degraded": False, "flaky": False, "threshold": LIMITS}
    assert build_report("prod", "abc123", outcome, finished_at=NOW, schema_drift=["a"]) == {
        "env": "prod",
        "git_sha": "abc123",
        "status": "failed",
        "outcome": "fail",
        "flaky": True,
        "finished_at": "2026-12-01T06:30:15+00:00",
        "total_ms": 1773.9,
        "error": "step 4/6 getPhenoms: RuntimeError: boom",
        "cleanup": "deleted phenom p1",
        "schema_drift": ["a"],
        "steps": [
            {
                **passed,
                "number": 1,
                "name": "sign in",
                "ms": 123.5,
                "flaky": True,
                "trace_id": traces[0],
                "attempts": [
                    {"operation": "sign in", "number": 1, "ms": 5.7, "error": "throttled", "unreached": False},
                    {"operation": "sign in", "number": 2, "ms": 7.0, "error": None, "unreached": False},
                ],
            },
            {
                **passed,
                "number": 2,
                "name": "createPhenom",
                "ms": 1500.4,
                "degraded": True,
                "trace_id": traces[1],
                "attempts": [
                    {"operation": "createPhenom", "number": 1, "ms": 1500.0, "error": None, "unreached": False}
                ],
            },
            {**passed, "number": 3, "name": "upload", "ms": 100.0, "trace_id": traces[2], "attempts": []},
            {
                **passed,
                "number": 4,
                "name": "getPhenoms",
                "status": "failed",
                "ms": 50.0,
                "error": "RuntimeError: boom",
                "threshold": None,
                "trace_id": traces[3],
                "attempts": [
                    {"operation": "getPhenoms", "number": 1, "ms": 50.0, "error": "no answer", "unreached": True}
                ],
            },
            unrun(5, "download", "not run because step 4/6 getPhenoms failed"),
            unrun(6, "deletePhenom", "not run because step 4/6 getPhenoms failed"),
        ],
    }
    assert all(len(trace) == 32 for trace in traces[:4])


@pytest.mark.parametrize(
    ("setup_error", "status", "error"),
    [
        (
            "the round-trip could not start: no smoke password",
            "failed",
            "the round-trip could not start: no smoke password",
        ),
        (None, "not run", "the round-trip test was not selected"),
    ],
)
def test_a_round_trip_that_never_ran_reports_every_step_not_run_under_its_limits(setup_error, status, error):
    thresholds = {"upload": StepThreshold(degraded_ms=1000, failed_ms=5000)}
    report = build_report("prod", "abc", None, setup_error, thresholds=thresholds, finished_at=NOW)
    assert report == {
        "env": "prod",
        "git_sha": "abc",
        "status": status,
        "outcome": None if setup_error is None else "fail",
        "flaky": False,
        "finished_at": "2026-12-01T06:30:15+00:00",
        "total_ms": 0.0,
        "error": error,
        "cleanup": None,
        "schema_drift": None,
        "steps": [
            unrun(number, name, None, LIMITS if name == "upload" else None)
            for number, name in enumerate(ROUNDTRIP_STEPS, start=1)
        ],
    }


def test_a_recorded_round_trip_is_judged_by_its_steps_not_by_another_tests_setup_error():
    # The round-trip recorded its outcome before any step ran; another smoke test could not start.
    outcome = RoundTripOutcome(StepRunner(ROUNDTRIP_STEPS), SmokeObject("20261201T120000Z-abcdef12"))
    report = build_report("prod", "abc", outcome, "the round-trip could not start: no smoke password")
    assert (report["status"], report["outcome"], report["error"]) == ("failed", None, None)


def test_a_report_is_stamped_with_the_utc_second_it_was_built():
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = build_report("prod", "abc", None)["finished_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", stamp)
    assert before <= datetime.fromisoformat(stamp) <= datetime.now(UTC)


def test_the_terminal_table_of_a_failed_run_lists_limits_attempts_flags_and_errors():
    assert table_lines(build_report("prod", "abc", failed_at_get_phenoms())) == [
        "step             status         ms  detail",
        "1 sign in        passed        124  limits 1000/5000 ms; 2 attempts for 1 calls; flaky; 1 retried",
        "2 createPhenom   passed       1500  limits 1000/5000 ms; degraded",
        "3 upload         passed        100  limits 1000/5000 ms",
        "4 getPhenoms     failed         50  RuntimeError: boom",
        "5 download       not run            not run because step 4/6 getPhenoms failed",
        "6 deletePhenom   not run            not run because step 4/6 getPhenoms failed",
        "total            failed       1774",
        "outcome: fail (flaky)",
        "cleanup: deleted phenom p1",
    ]


def test_the_terminal_table_of_a_run_that_could_not_start_says_why_under_the_total():
    lines = table_lines(build_report("prod", "abc", None, "the round-trip could not start: no smoke password"))
    assert lines[1:] == [
        *(f"{number} {name:<14} not run" for number, name in enumerate(ROUNDTRIP_STEPS, start=1)),
        "total            failed          0",
        "outcome: fail",
        "error: the round-trip could not start: no smoke password",
    ]


def test_the_terminal_table_of_a_passing_run_ends_with_its_outcome():
    ticks = iter(range(100))
    runner = StepRunner(ROUNDTRIP_STEPS, clock=lambda: next(ticks) / 10)
    for name in ROUNDTRIP_STEPS:
        runner.run(name, lambda: None)
    report = build_report("prod", "abc", RoundTripOutcome(runner, SmokeObject("20261201T120000Z-abcdef12")))
    assert table_lines(report)[-2:] == ["total            passed        600", "outcome: pass"]


def test_a_report_of_a_test_that_was_not_selected_says_so_and_has_no_outcome():
    assert table_lines(build_report("prod", "abc", None))[-2:] == [
        "total            not run         0",
        "error: the round-trip test was not selected",
    ]


def git(cwd, *arguments: str) -> str:
    environment = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    environment |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", *arguments], cwd=cwd, env=environment, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """An empty git repository that git cannot see past (TMPDIR may lie inside a checkout)."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    git(tmp_path, "init", "--quiet", "repo")
    return tmp_path / "repo"


def test_git_revision_is_the_commit_checked_out_in_the_directory_it_is_given(repository):
    git(repository, "commit", "--quiet", "--allow-empty", "-m", "first")
    assert git_revision(repository) == git(repository, "rev-parse", "HEAD")


def test_git_revision_before_the_first_commit_is_unknown(repository):
    # There `git rev-parse HEAD` prints HEAD itself and fails.
    assert git_revision(repository) == "unknown"


def test_git_revision_without_git_is_unknown(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert git_revision(tmp_path) == "unknown"


def test_git_revision_gives_git_ten_seconds(repository, monkeypatch):
    # A git stuck on a lock must not hold the session's summary: how long it may take is what is checked here.
    run = subprocess.run
    timeouts = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: timeouts.append(k.get("timeout")) or run(*a, **k))
    git_revision(repository)
    assert timeouts == [10]


def test_git_revision_of_a_git_that_hangs_is_unknown(repository, monkeypatch):
    def hanging(arguments, **options):
        raise subprocess.TimeoutExpired(arguments, options["timeout"])

    monkeypatch.setattr(subprocess, "run", hanging)
    assert git_revision(repository) == "unknown"
