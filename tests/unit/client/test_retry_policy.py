"""The retry loop alone: bounded by count and by total time, transient errors only, every attempt reported."""

from __future__ import annotations

import pytest

from phenom_client.errors import PhenomClientError
from phenom_client.retry import RetryPolicy, call_with_retries

pytestmark = pytest.mark.unit


class Timeline:
    """A fake clock and sleep: sleeping moves the clock, and each action call costs `cost` seconds."""

    def __init__(self, cost: float = 1.0) -> None:
        self.now = 0.0
        self.cost = cost
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def failing(self, *, transient: bool, succeed_on: int | None = None):
        calls = {"n": 0}

        def action() -> str:
            calls["n"] += 1
            self.now += self.cost
            if succeed_on is not None and calls["n"] >= succeed_on:
                return "ok"
            raise PhenomClientError(f"failure {calls['n']}", transient=transient)

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
