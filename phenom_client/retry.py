"""Bounded retries of idempotent calls on transient errors, with every attempt reported to an observer."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from phenom_client.errors import PhenomClientError

T = TypeVar("T")
LOG = logging.getLogger("phenom_client")
# Gateway answers in front of Cognito, the engine and S3 that say "not now" rather than "no": worth another try.
TRANSIENT_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class Attempt:
    """One try of one call: which call, which try, how long it took, the (redacted) error if it failed, and whether
    that failure came before any answer (see PhenomClientError.unreached)."""

    operation: str
    number: int
    ms: float
    error: str | None = None
    unreached: bool = False

    @property
    def succeeded(self) -> bool:
        return self.error is None


AttemptObserver = Callable[[Attempt], None]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and for how long a transient failure is retried: at most `max_attempts` tries, and no new try once
    `max_total_seconds` would be exceeded; the delay doubles from `first_delay_seconds` up to `max_delay_seconds`."""

    max_attempts: int = 3
    max_total_seconds: float = 30.0
    first_delay_seconds: float = 0.5
    max_delay_seconds: float = 4.0

    def delay_after(self, failed_attempt: int) -> float:
        """Seconds to wait after try number `failed_attempt` failed."""
        return min(self.first_delay_seconds * 2 ** (failed_attempt - 1), self.max_delay_seconds)


NO_RETRY = RetryPolicy(max_attempts=1)


def call_with_retries(
    operation: str,
    action: Callable[[], T],
    policy: RetryPolicy,
    observe: AttemptObserver,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """`action()`, tried again while it raises a transient PhenomClientError and the policy allows; the last error
    is re-raised with its attempt count. Errors are already redacted by the layer that raised them."""
    started = clock()
    number = 0
    while True:
        number += 1
        attempt_started = clock()
        try:
            result = action()
        except PhenomClientError as error:
            elapsed = clock() - started
            observe(Attempt(operation, number, (clock() - attempt_started) * 1000, str(error), error.unreached))
            delay = policy.delay_after(number)
            if not error.transient or number >= policy.max_attempts or elapsed + delay > policy.max_total_seconds:
                error.attempts = number
                raise
            LOG.warning("%s attempt %d failed, retrying in %.1f s: %s", operation, number, delay, error)
            sleep(delay)
        else:
            observe(Attempt(operation, number, (clock() - attempt_started) * 1000))
            if number > 1:
                LOG.info("%s succeeded on attempt %d", operation, number)
            return result
