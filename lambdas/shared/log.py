"""JSON log lines on stdout, each carrying the request id (and the W3C trace id the caller sent, if any), with tokens
and secrets redacted."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

REDACTED = "[redacted]"
_SENSITIVE_KEY = re.compile(r"authorization|token|secret|password|cookie|credential", re.IGNORECASE)
_JWT_LIKE = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_ROOT_LOGGER = "phenom"

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-(?P<trace_id>[0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")
# W3C Trace Context: a trace id of all zeros is invalid.
_INVALID_TRACE_ID = "0" * 32

_request_id: ContextVar[str] = ContextVar("phenom_request_id", default="-")
_trace_id: ContextVar[str | None] = ContextVar("phenom_trace_id", default=None)


def scrub_text(text: str) -> str:
    """`text` with anything shaped like a JWT replaced."""
    return _JWT_LIKE.sub(REDACTED, text)


def redact(value: Any) -> Any:
    """A copy of `value` whose sensitive keys (authorization, token, secret, ...) and JWT-like strings are redacted."""
    if isinstance(value, Mapping):
        return {str(key): REDACTED if _SENSITIVE_KEY.search(str(key)) else redact(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def request_id_from(context: Any, event: Mapping[str, Any] | None = None) -> str:
    """The Lambda request id, else the Function URL's request id, else a fresh uuid (local runs)."""
    request_id = getattr(context, "aws_request_id", None)
    if not request_id and isinstance(event, Mapping):
        request_context = event.get("requestContext")
        if isinstance(request_context, Mapping):
            request_id = request_context.get("requestId")
    return str(request_id) if request_id else str(uuid.uuid4())


def trace_id_from(traceparent: str | None) -> str | None:
    """The trace id of a W3C `traceparent` header (the canary's step id), None when absent or malformed."""
    match = _TRACEPARENT.match(traceparent.strip().lower()) if traceparent else None
    return match["trace_id"] if match and match["trace_id"] != _INVALID_TRACE_ID else None


@contextmanager
def bind_request_id(request_id: str, trace_id: str | None = None) -> Iterator[None]:
    """Stamp every log line written inside the block with `request_id`, and with `trace_id` when there is one."""
    token = _request_id.set(request_id)
    trace_token = _trace_id.set(trace_id)
    try:
        yield
    finally:
        _trace_id.reset(trace_token)
        _request_id.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: level, logger, message, request id, trace id if bound, and the record's redacted
    fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "level": record.levelname,
            "logger": record.name,
            "message": scrub_text(record.getMessage()),
            "request_id": _request_id.get(),
        }
        if _trace_id.get() is not None:
            line["trace_id"] = _trace_id.get()
        line.update(redact(getattr(record, "fields", {})))
        if record.exc_info:
            line["exception"] = scrub_text(self.formatException(record.exc_info))
        return json.dumps(line, default=str)


class JsonLogger:
    """A logger whose calls take structured fields as keyword arguments."""

    def __init__(self, name: str) -> None:
        self._logger = logging.getLogger(f"{_ROOT_LOGGER}.{name}")

    def info(self, message: str, **fields: Any) -> None:
        self._logger.info(message, extra={"fields": fields})

    def warning(self, message: str, **fields: Any) -> None:
        self._logger.warning(message, extra={"fields": fields})

    def exception(self, message: str, **fields: Any) -> None:
        self._logger.exception(message, extra={"fields": fields})


def get_logger(name: str) -> JsonLogger:
    """A JSON logger under `phenom.<name>`; the first call installs the stdout handler."""
    root = logging.getLogger(_ROOT_LOGGER)
    if not root.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        # The Lambda runtime's root handler would print each line a second time in its own text format.
        root.propagate = False
    return JsonLogger(name)
