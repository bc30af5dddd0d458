"""The step runner: timing, the failing step's message, and later steps reported as not run."""

from __future__ import annotations

import pytest

from phenom_client.errors import TransferFailed
from phenom_client.retry import Attempt
from phenom_client.roundtrip import ROUNDTRIP_STEPS
from phenom_client.steps import StepFailed, StepRunner, StepStatus, describe

pytestmark = pytest.mark.unit


class Ticker:
    """A clock that advances 0.25 s on every read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.25
        return self.now


@pytest.fixture
def runner() -> StepRunner:
    """A runner of the six round-trip steps on a ticking clock."""
    return StepRunner(ROUNDTRIP_STEPS, clock=Ticker())


def refuse_put() -> None:
    raise TransferFailed("PUT returned 403 SignatureDoesNotMatch", status=403)


def test_passing_steps_are_timed_and_return_their_value(runner):
    assert runner.run("sign in", lambda: "signed in") == "signed in"
    record = runner.records[0]
    assert (record.status, record.ms, record.error) == (StepStatus.PASSED, 250.0, None)


def test_a_failing_step_names_itself_and_blocks_the_rest(runner):
    # GIVEN sign in and createPhenom passed
    runner.run("sign in", lambda: None)
    runner.run("createPhenom", lambda: None)
    # WHEN the upload is refused
    with pytest.raises(StepFailed) as failure:
        runner.run("upload", refuse_put)
    # THEN the message names step 3 of 6 and the later steps are not run because of it
    assert str(failure.value) == "step 3/6 upload: PUT returned 403 SignatureDoesNotMatch"
    assert [record.status for record in runner.records] == [StepStatus.PASSED] * 2 + [StepStatus.FAILED] + [
        StepStatus.NOT_RUN
    ] * 3
    assert {record.error for record in runner.records[3:]} == {"not run because step 3/6 upload failed"}
    assert runner.failure == "step 3/6 upload: PUT returned 403 SignatureDoesNotMatch"


def test_a_step_after_a_failure_is_not_run(runner):
    with pytest.raises(StepFailed):
        runner.run("sign in", refuse_put)
    called = []
    with pytest.raises(StepFailed, match="step 2/6 createPhenom: not run because step 1/6 sign in"):
        runner.run("createPhenom", lambda: called.append(True))
    assert called == []


def test_each_step_that_ran_is_handed_to_on_finished_once_it_is_done():
    # GIVEN a runner that hands finished steps to an observer (as the load test reports them to Locust)
    finished = []
    runner = StepRunner(ROUNDTRIP_STEPS, clock=Ticker(), on_finished=lambda record: finished.append(record))
    # WHEN sign in passes, createPhenom fails and upload is then not run
    runner.run("sign in", lambda: None)
    with pytest.raises(StepFailed):
        runner.run("createPhenom", refuse_put)
    with pytest.raises(StepFailed):
        runner.run("upload", lambda: None)
    # THEN the observer saw the two steps that ran, timed and with their outcome, and not the one that did not run
    assert [(record.name, record.status, record.ms) for record in finished] == [
        ("sign in", StepStatus.PASSED, 250.0),
        ("createPhenom", StepStatus.FAILED, 250.0),
    ]
    assert finished[1].error == "PUT returned 403 SignatureDoesNotMatch"


def test_steps_must_run_in_their_declared_order(runner):
    with pytest.raises(ValueError, match="cannot run before sign in"):
        runner.run("createPhenom", lambda: None)


def test_attempts_are_attached_to_the_running_step(runner):
    def signing_in() -> None:
        runner.record_attempt(Attempt("sign in", 1, 12.0, "TooManyRequestsException"))
        runner.record_attempt(Attempt("sign in", 2, 10.0))

    runner.run("sign in", signing_in)
    assert [attempt.number for attempt in runner.records[0].attempts] == [1, 2]


def test_unexpected_errors_are_described_in_one_redacted_line():
    error = RuntimeError("boom at https://b.example/k?X-Amz-Signature=abcdef\nsecond line")
    assert describe(error) == "RuntimeError: boom at https://b.example/k?X-Amz-Signature=[redacted]"
