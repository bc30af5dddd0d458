"""A round-trip's outcome, read from its report's steps: pass, degraded, fail or infra-error, and whether it was flaky.
Standard library only, over the report's JSON shape: the job summary and the alert rule read it without `make setup`.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any


class Outcome(str, Enum):
    PASS = "pass"
    DEGRADED = "degraded"
    FAIL = "fail"
    INFRA_ERROR = "infra-error"


# One line per outcome: the job summary prints it, and the README's canary section says the same.
MEANING = {
    Outcome.PASS: "every step passed within its degraded_ms",
    Outcome.DEGRADED: "every step passed, at least one slower than its degraded_ms",
    Outcome.FAIL: "a step failed, or took longer than its failed_ms",
    Outcome.INFRA_ERROR: (
        "the runner never reached the service (DNS, connection refused or timed out before any answer, "
        "or no AWS credentials for the smoke secret): not counted against the service"
    ),
}


def classify(steps: Sequence[dict[str, Any]], *, setup_error: str | None, setup_unreached: bool) -> Outcome | None:
    """The outcome of a report's `steps`; None when the round-trip was not selected at all.

    infra-error only when nothing ever answered: every attempt of every step failed before a byte came back (or the
    round-trip could not start for want of AWS credentials). A service that answers badly, or stops answering after
    it answered once, is a fail."""
    if all(step["status"] == "not run" for step in steps):
        if setup_error is None:
            return None
        return Outcome.INFRA_ERROR if setup_unreached else Outcome.FAIL
    if any(step["status"] == "failed" for step in steps):
        attempts = [attempt for step in steps for attempt in step["attempts"]]
        if attempts and all(attempt.get("unreached") for attempt in attempts):
            return Outcome.INFRA_ERROR
        return Outcome.FAIL
    if any(step["status"] != "passed" for step in steps):
        return Outcome.FAIL
    return Outcome.DEGRADED if any(step.get("degraded") for step in steps) else Outcome.PASS


def flaky(steps: Sequence[dict[str, Any]]) -> bool:
    """Whether a step passed only after one of its calls was tried again."""
    return any(step.get("flaky") for step in steps)
