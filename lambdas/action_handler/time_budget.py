"""How long one action may run: it has to answer before the function's timeout (30 s) and Hasura's action timeout
(30 s by default), because a Lambda that times out answers 502, which Hasura turns into an opaque `internal error`."""

from __future__ import annotations

from typing import Any

from lambdas.shared.aws import ClientSettings
from lambdas.shared.deadline import Deadline

ACTION_BUDGET_SECONDS = 16.0
# Every AWS call the handler makes is bounded by CALL_SETTINGS: 1 s to connect and 2 s to read, twice, plus one
# retry backoff (botocore waits up to 1 s after a throttling error, and up to 5 s more when the answer carries
# x-amz-retry-after). A call started just before the deadline may run that long, so that much is kept free at the
# end; tests/unit/lambdas/test_deadline_arithmetic.py adds it up against the Lambda's and Hasura's timeouts.
CALL_SETTINGS = ClientSettings(connect_timeout=1.0, read_timeout=2.0, max_attempts=2)
SLOWEST_CALL_SECONDS = 12.0
# deletePhenom's claim on a row expires after this long, so a delete that crashed or timed out never blocks the next
# one; it is longer than the function's 30 s timeout, so the claim of a delete still running never expires under it.
DELETION_LEASE_SECONDS = 60.0
# Releasing a failed delete's claim runs after the deadline may be spent, inside the SLOWEST_CALL_SECONDS kept free:
# one connect and one read.
RELEASE_SECONDS = CALL_SETTINGS.connect_timeout + CALL_SETTINGS.read_timeout


def request_deadline(context: Any) -> Deadline:
    """The deadline of one request: ACTION_BUDGET_SECONDS, or less when the function has less time left."""
    seconds_left = context.get_remaining_time_in_millis() / 1000
    return Deadline(min(ACTION_BUDGET_SECONDS, seconds_left - SLOWEST_CALL_SECONDS))
