"""W3C trace context: every request the client sends carries a `traceparent`, and every call of one round-trip step
shares the step's trace id, so a failed step's id finds its requests in the Lambda's and Hasura's logs."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "traceparent"
# Version 00, sampled: the only flags value the receivers need to log the id.
_VERSION, _SAMPLED = "00", "01"
_STEP_TRACE: ContextVar[str | None] = ContextVar("phenom_step_trace", default=None)


def new_trace_id() -> str:
    """32 lower-case hex digits, never all zero (the spec's invalid id)."""
    while True:
        trace_id = secrets.token_hex(16)
        if int(trace_id, 16):
            return trace_id


def traceparent() -> str:
    """The header value for one request: the running step's trace id (a fresh one outside a step) and a new span."""
    span_id = secrets.token_hex(8)
    while not int(span_id, 16):
        span_id = secrets.token_hex(8)
    return f"{_VERSION}-{_STEP_TRACE.get() or new_trace_id()}-{span_id}-{_SAMPLED}"


@contextmanager
def step_trace(trace_id: str) -> Iterator[None]:
    """Requests sent inside the block carry `trace_id`."""
    token = _STEP_TRACE.set(trace_id)
    try:
        yield
    finally:
        _STEP_TRACE.reset(token)


def add_traceparent(request, **_: object) -> None:
    """A botocore `request-created` handler: the AWS call carries a traceparent like the client's other requests."""
    request.headers[HEADER] = traceparent()
