"""The retry loop alone: bounded by count and by total time, transient errors only, every attempt reported."""

from __future__ import annotations

import logging

import pytest

from phenom_client.errors import PhenomClientError
from phenom_client.retry import RetryPolicy, call_with_retries

pytestmark = pytest.mark.unit


class Timeline:
    """A fake clock and sleep: sleeping moves the clock, and each action call costs `cost` seconds."""

    def __init__(self, cost: float = 1.0) -> None:
        self.now = 1000.0
        self.cost = cost
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def failing(self, *, transient: bool, succeed_on: int | None = None, unreached: bool = False):
        calls = {"n": 0}

        def action() -> str:
            calls["n"] += 1
            self.now += self.cost
            if succeed_on is not None and calls["n"] >= succeed_on:
                return "ok"
            raise PhenomClientError(f"failure {calls['n']}", transient=transient, unreached=unreached)

        return action, calls


def run(timeline: Timeline, action, policy: RetryPolicy, attempts: list):
    return call_with_retries("op", action, policy, attempts.append, sleep=timeline.sleep, clock=timeline.clock)


def test_transient_failures_are_retried_up_to_max_attempts():
    timeline, attempts = Timeline(), []
    action, calls = timeline.failing(transient=True)
    with pytest.raises(PhenomClientError) as failure:
        run(timeline, action, RetryPolicy(max_attempts=3, max_total_seconds=100), attempts)
    assert calls["n"] == 3
    assert failure.value.attempts == 3
    assert str(failure.value) == "failure 3 (gave up after 3 attempts)"
    assert [attempt.number for attempt in attempts] == [1, 2, 3]


def test_no_new_attempt_starts_once_the_time_budget_would_be_exceeded():
    # GIVEN calls that take 10 s each and a 15 s budget
    timeline, attempts = Timeline(cost=10.0), []
    action, calls = timeline.failing(transient=True)
    # WHEN they keep failing transiently
    with pytest.raises(PhenomClientError):
        run(timeline, action, RetryPolicy(max_attempts=10, max_total_seconds=15, first_delay_seconds=1), attempts)
    # THEN the second try (10 s + 1 s delay + 10 s) is the last one started
    assert calls["n"] == 2


def test_errors_that_are_not_transient_are_raised_at_once():
    timeline, attempts = Timeline(), []
    action, calls = timeline.failing(transient=False)
    with pytest.raises(PhenomClientError) as failure:
        run(timeline, action, RetryPolicy(max_attempts=5), attempts)
    assert calls["n"] == 1
    assert str(failure.value) == "failure 1"
    assert timeline.sleeps == []


def test_success_after_a_retry_returns_and_reports_both_attempts():
    timeline, attempts = Timeline(), []
    action, _ = timeline.failing(transient=True, succeed_on=2)
    assert run(timeline, action, RetryPolicy(max_attempts=3), attempts) == "ok"
    assert [(attempt.number, attempt.error) for attempt in attempts] == [(1, "failure 1"), (2, None)]
    assert attempts[0].ms == pytest.approx(1000.0)


def test_delays_double_and_are_capped():
    policy = RetryPolicy(first_delay_seconds=0.5, max_delay_seconds=2.0)
    assert [policy.delay_after(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 2.0]


def test_a_retry_may_start_when_it_ends_the_delay_exactly_at_the_time_budget():
    # GIVEN calls that take 1 s, a 1 s first delay and a 2 s budget
    timeline, attempts = Timeline(cost=1.0), []
    action, calls = timeline.failing(transient=True)
    # WHEN they keep failing transiently
    with pytest.raises(PhenomClientError) as failure:
        run(timeline, action, RetryPolicy(max_attempts=10, max_total_seconds=2, first_delay_seconds=1), attempts)
    # THEN the second try starts at the budget's end (1 s + 1 s), and none after it (3 s + 2 s is past it)
    assert calls["n"] == 2
    assert timeline.sleeps == [1.0]
    assert failure.value.attempts == 2


def test_every_attempt_reports_its_own_duration_and_whether_it_reached_the_service():
    # GIVEN a first try that takes 1 s and fails before reaching the service, then one that succeeds in 2 s
    timeline, attempts = Timeline(cost=1.0), []
    failing, _ = timeline.failing(transient=True, unreached=True)

    def slow_success() -> str:
        timeline.now += 2.0
        return "ok"

    tries = iter([failing, slow_success])
    # WHEN the call is made
    assert run(timeline, lambda: next(tries)(), RetryPolicy(max_attempts=3), attempts) == "ok"
    # THEN each attempt carries its own duration, not the time since the call started
    assert [(a.operation, a.number, a.ms, a.error, a.unreached) for a in attempts] == [
        ("op", 1, pytest.approx(1000.0), "failure 1", True),
        ("op", 2, pytest.approx(2000.0), None, False),
    ]


def test_each_retry_and_a_success_after_retries_are_logged(caplog):
    timeline, attempts = Timeline(), []
    action, _ = timeline.failing(transient=True, succeed_on=3)
    with caplog.at_level(logging.INFO, logger="phenom_client"):
        run(timeline, action, RetryPolicy(max_attempts=3, first_delay_seconds=0.5), attempts)
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        ("WARNING", "op attempt 1 failed, retrying in 0.5 s: failure 1"),
        ("WARNING", "op attempt 2 failed, retrying in 1.0 s: failure 2"),
        ("INFO", "op succeeded on attempt 3"),
    ]


def test_a_success_on_the_first_attempt_logs_nothing(caplog):
    timeline, attempts = Timeline(), []
    action, _ = timeline.failing(transient=True, succeed_on=1)
    with caplog.at_level(logging.DEBUG, logger="phenom_client"):
        run(timeline, action, RetryPolicy(), attempts)
    assert caplog.records == []


def test_a_success_on_the_second_attempt_is_logged(caplog):
    timeline, attempts = Timeline(), []
    action, _ = timeline.failing(transient=True, succeed_on=2)
    with caplog.at_level(logging.INFO, logger="phenom_client"):
        run(timeline, action, RetryPolicy(), attempts)
    assert caplog.records[-1].getMessage() == "op succeeded on attempt 2"
