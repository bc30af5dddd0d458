"""The step runner's edges, each chosen so a weaker runner fails: attempts outside any step, messages that name what
went wrong, errors with no text."""

from __future__ import annotations

import contextlib

import pytest

from phenom_client.environments import StepThreshold
from phenom_client.retry import Attempt
from phenom_client.steps import CheckFailed, StepFailed, StepRunner, StepStatus, describe

pytestmark = pytest.mark.unit

NAMES = ("first", "second", "third")


def test_attempts_outside_a_step_are_ignored_before_and_after_it():
    runner = StepRunner(NAMES)
    runner.record_attempt(Attempt("early", 1, 1.0))
    runner.run("first", lambda: None)
    runner.record_attempt(Attempt("late", 1, 1.0))
    assert [record.attempts for record in runner.records] == [[], [], []]


def test_a_step_that_already_ran_is_refused_by_name():
    runner = StepRunner(NAMES)
    runner.run("first", lambda: None)
    with pytest.raises(ValueError, match="^step first already ran$"):
        runner.run("first", lambda: None)


def test_a_step_run_too_early_names_every_step_it_skips():
    with pytest.raises(ValueError, match="^step third cannot run before first, second$"):
        StepRunner(NAMES).run("third", lambda: None)


def test_an_unknown_step_lists_the_known_ones():
    with pytest.raises(ValueError, match="^unknown step fourth: expected one of first, second, third$"):
        StepRunner(NAMES).run("fourth", lambda: None)


@pytest.mark.parametrize("error, described", [(CheckFailed(""), "CheckFailed"), (KeyError(), "KeyError:")])
def test_an_error_without_text_is_described_by_its_type(error, described):
    assert describe(error) == described


def test_thresholds_for_steps_it_does_not_have_are_refused_naming_each_and_the_known_ones():
    limits = {"zeroth": StepThreshold(1, 2), "fourth": StepThreshold(1, 2), "first": StepThreshold(1, 2)}
    with pytest.raises(ValueError) as refusal:
        StepRunner(NAMES, thresholds=limits)
    assert str(refusal.value) == "thresholds for unknown steps fourth, zeroth: expected some of first, second, third"


@pytest.mark.parametrize(("seconds", "status"), [(0.5, StepStatus.PASSED), (0.501, StepStatus.FAILED)])
def test_a_step_fails_only_when_it_takes_longer_than_its_failed_ms(seconds, status):
    ticks = iter([10.0, 10.0 + seconds])
    runner = StepRunner(NAMES, thresholds={"first": StepThreshold(100, 500)}, clock=lambda: next(ticks))
    with contextlib.suppress(StepFailed):
        runner.run("first", lambda: None)
    assert runner.records[0].status is status
