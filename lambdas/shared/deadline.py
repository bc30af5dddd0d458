"""A time budget shared by the calls of one invocation."""

from __future__ import annotations

import time


class DeadlineExceeded(TimeoutError):
    """The invocation's time budget was spent before the next call could start."""


class Deadline:
    """Seconds left of a budget that started when the object was made."""

    def __init__(self, budget_seconds: float) -> None:
        self._ends_at = time.monotonic() + budget_seconds
        self._budget_seconds = budget_seconds

    def remaining(self) -> float:
        """Seconds left; raises DeadlineExceeded when none are."""
        left = self._ends_at - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded(f"time budget of {self._budget_seconds} s spent")
        return left
