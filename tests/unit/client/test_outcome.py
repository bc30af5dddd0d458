"""Step limits, the run's outcome (pass, degraded, fail, infra-error, flaky) and the traceparent each step carries."""

from __future__ import annotations

import re

import pytest

from phenom_client.environments import StepThreshold
from phenom_client.errors import SignInFailed
from phenom_client.outcome import MEANING, Outcome, classify, flaky
from phenom_client.report import build_report, table_lines
from phenom_client.retry import Attempt
from phenom_client.roundtrip import ROUNDTRIP_STEPS, RoundTripOutcome, SmokeObject
from phenom_client.steps import StepFailed, StepRunner, StepStatus
from phenom_client.summary import markdown
from phenom_client.tracing import step_trace, traceparent

pytestmark = pytest.mark.unit

TRACEPARENT = re.compile(r"^00-(?P<trace>[0-9a-f]{32})-(?P<span>[0-9a-f]{16})-01$")
LIMITS = {name: StepThreshold(degraded_ms=1000, failed_ms=5000) for name in ROUNDTRIP_STEPS}


def runner_taking(milliseconds: dict[str, float]) -> StepRunner:
    """A runner under LIMITS whose clock makes each named step take the given time (100 ms otherwise)."""
    ticks = []
    for name in ROUNDTRIP_STEPS:
        ticks += [0.0, milliseconds.get(name, 100.0) / 1000]
    clock = iter(ticks)
    return StepRunner(ROUNDTRIP_STEPS, thresholds=LIMITS, clock=lambda: next(clock))


def report_of(runner: StepRunner) -> dict:
    return build_report("prod", "abc", RoundTripOutcome(runner, SmokeObject("20261201T120000Z-abcdef12")))


def run_all(runner: StepRunner, actions: dict | None = None) -> None:
    for name in ROUNDTRIP_STEPS:
        runner.run(name, (actions or {}).get(name, lambda: None))


def test_every_step_within_its_limits_is_a_pass():
    runner = runner_taking({})
    run_all(runner)
    report = report_of(runner)
    assert (report["outcome"], report["flaky"]) == ("pass", False)
    assert report["steps"][0]["threshold"] == {"degraded_ms": 1000, "failed_ms": 5000}


def test_a_step_over_degraded_ms_degrades_the_run_but_passes():
    runner = runner_taking({"getPhenoms": 1500})
    run_all(runner)
    report = report_of(runner)
    assert (report["status"], report["outcome"]) == ("passed", "degraded")
    assert [step["name"] for step in report["steps"] if step["degraded"]] == ["getPhenoms"]
    assert "limits 1000/5000 ms; degraded" in table_lines(report)[4]


def test_a_step_over_failed_ms_fails_naming_the_step_its_time_and_the_limit():
    runner = runner_taking({"upload": 6000})
    runner.run("sign in", lambda: None)
    runner.run("createPhenom", lambda: None)
    with pytest.raises(StepFailed) as failure:
        runner.run("upload", lambda: None)
    assert str(failure.value) == "step 3/6 upload: took 6000 ms, over its failed_ms limit of 5000 ms"
    assert [record.status for record in runner.records[2:4]] == [StepStatus.FAILED, StepStatus.NOT_RUN]
    assert report_of(runner)["outcome"] == "fail"


def test_a_step_that_passed_after_a_retry_is_flaky():
    runner = runner_taking({})

    def throttled() -> None:
        runner.record_attempt(Attempt("getPhenoms", 1, 5.0, "getPhenoms got HTTP 503", False))
        runner.record_attempt(Attempt("getPhenoms", 2, 5.0))

    run_all(runner, {"getPhenoms": throttled})
    report = report_of(runner)
    assert (report["outcome"], report["flaky"]) == ("pass", True)
    assert "**Outcome:** ✅ `pass` (flaky: a step passed only after a retry)" in markdown(report, None)


def test_nothing_answering_at_all_is_an_infra_error():
    runner = runner_taking({})

    def refused() -> None:
        runner.record_attempt(Attempt("sign in", 1, 1.0, "Cognito did not answer", True))
        raise SignInFailed("Cognito did not answer", transient=True, unreached=True)

    with pytest.raises(StepFailed):
        runner.run("sign in", refused)
    assert report_of(runner)["outcome"] == "infra-error"


def test_a_service_that_stops_answering_after_it_answered_is_a_fail():
    runner = runner_taking({})
    runner.run("sign in", lambda: runner.record_attempt(Attempt("sign in", 1, 1.0)))

    def refused() -> None:
        runner.record_attempt(Attempt("createPhenom", 1, 1.0, "no answer", True))
        raise SignInFailed("no answer", unreached=True)

    with pytest.raises(StepFailed):
        runner.run("createPhenom", refused)
    assert report_of(runner)["outcome"] == "fail"


@pytest.mark.parametrize(("unreached", "outcome"), [(True, "infra-error"), (False, "fail")])
def test_a_round_trip_that_could_not_start_is_infra_only_without_credentials(unreached, outcome):
    report = build_report("prod", "abc", None, "no smoke password", setup_unreached=unreached, thresholds=LIMITS)
    assert report["outcome"] == outcome
    assert report["steps"][5]["threshold"] == {"degraded_ms": 1000, "failed_ms": 5000}


def test_a_round_trip_that_was_not_selected_has_no_outcome():
    assert build_report("prod", "abc", None)["outcome"] is None


def test_every_outcome_is_explained():
    assert set(MEANING) == set(Outcome)


def test_thresholds_for_a_step_that_does_not_exist_are_refused():
    with pytest.raises(ValueError, match="thresholds for unknown steps sign-in"):
        StepRunner(ROUNDTRIP_STEPS, thresholds={"sign-in": StepThreshold(1, 2)})


def test_requests_of_one_step_share_its_trace_id_and_each_has_its_own_span():
    runner = StepRunner(ROUNDTRIP_STEPS)
    seen = runner.run("sign in", lambda: [TRACEPARENT.match(traceparent()) for _ in range(2)])
    assert {match["trace"] for match in seen} == {runner.records[0].trace_id}
    assert seen[0]["span"] != seen[1]["span"]
    assert report_of(runner)["steps"][0]["trace_id"] == runner.records[0].trace_id


def test_outside_a_step_every_request_starts_a_trace_of_its_own():
    first, second = (TRACEPARENT.match(traceparent()) for _ in range(2))
    assert first["trace"] != second["trace"]
    with step_trace("4bf92f3577b34da6a3ce929d0e0e4736"):
        assert TRACEPARENT.match(traceparent())["trace"] == "4bf92f3577b34da6a3ce929d0e0e4736"


def reported(status: str, *attempts: bool | None, degraded: bool = False, flaky: bool = False) -> dict:
    """A step as the report holds it; each attempt given by its `unreached` (None: a report without that field)."""
    tries = [{"number": n} if u is None else {"number": n, "unreached": u} for n, u in enumerate(attempts, start=1)]
    return {"status": status, "attempts": tries, "degraded": degraded, "flaky": flaky}


PASSED, NOT_RUN = reported("passed", False), reported("not run")


@pytest.mark.parametrize(
    ("steps", "setup_error", "setup_unreached", "outcome"),
    [
        ([NOT_RUN, NOT_RUN], None, False, None),
        ([NOT_RUN, NOT_RUN], None, True, None),
        ([NOT_RUN, NOT_RUN], "no smoke password", False, Outcome.FAIL),
        ([NOT_RUN, NOT_RUN], "no AWS credentials", True, Outcome.INFRA_ERROR),
        ([reported("failed", True, True), NOT_RUN], None, False, Outcome.INFRA_ERROR),
        ([reported("failed", True, False), NOT_RUN], None, False, Outcome.FAIL),
        ([reported("failed", True, None), NOT_RUN], None, False, Outcome.FAIL),
        ([reported("failed"), NOT_RUN], None, False, Outcome.FAIL),
        ([PASSED, reported("failed", True)], None, False, Outcome.FAIL),
        ([PASSED, NOT_RUN], None, False, Outcome.FAIL),
        ([PASSED, PASSED], "ignored once a step ran", True, Outcome.PASS),
        ([PASSED, reported("passed", degraded=True)], None, False, Outcome.DEGRADED),
        ([PASSED, reported("passed", True, False, flaky=True)], None, False, Outcome.PASS),
        ([{"status": "passed", "attempts": []}], None, False, Outcome.PASS),
    ],
    ids=[
        "not-selected",
        "not-selected-unreached",
        "could-not-start",
        "no-credentials",
        "never-answered",
        "answered-after-a-retry-then-failed",
        "attempt-without-unreached",
        "failed-without-a-call",
        "answered-once-then-stopped",
        "stopped-without-a-failure",
        "all-passed",
        "one-slow-step",
        "flaky-is-not-degraded",
        "report-without-flags",
    ],
)
def test_the_outcome_of_a_reports_steps(steps, setup_error, setup_unreached, outcome):
    assert classify(steps, setup_error=setup_error, setup_unreached=setup_unreached) is outcome


@pytest.mark.parametrize(
    ("steps", "flaky_run"),
    [([PASSED, reported("passed", flaky=True)], True), ([PASSED, PASSED], False), ([{"status": "passed"}], False)],
)
def test_a_run_is_flaky_when_one_of_its_steps_is(steps, flaky_run):
    assert flaky(steps) is flaky_run


def test_each_outcome_has_the_value_the_report_and_the_alarms_use():
    assert [outcome.value for outcome in Outcome] == ["pass", "degraded", "fail", "infra-error"]
