"""Named, timed steps run in order: a failing step names itself, and every later step is reported as not run.
A step over its threshold's failed_ms fails; one over degraded_ms passes but degrades the run (see outcome.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from phenom_client.environments import StepThreshold
from phenom_client.errors import PhenomClientError
from phenom_client.redaction import redact
from phenom_client.retry import Attempt
from phenom_client.tracing import new_trace_id, step_trace

T = TypeVar("T")


class StepStatus(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not run"


class StepFailed(Exception):
    """A step failed; its message reads `step <n>/<total> <name>: <why>`."""


class CheckFailed(Exception):
    """An answer arrived but was not the expected one; the message says what was expected and what came."""


@dataclass
class StepRecord:
    """One step's outcome: status, duration, the one-line error, every attempt of the calls it made, its limits and
    the trace id its requests carried."""

    number: int
    name: str
    status: StepStatus = StepStatus.NOT_RUN
    ms: float | None = None
    error: str | None = None
    attempts: list[Attempt] = field(default_factory=list)
    threshold: StepThreshold | None = None
    trace_id: str | None = None

    @property
    def degraded(self) -> bool:
        """Passed, but slower than its degraded_ms."""
        return (
            self.status is StepStatus.PASSED
            and self.threshold is not None
            and self.ms is not None
            and self.ms > self.threshold.degraded_ms
        )

    @property
    def flaky(self) -> bool:
        """Passed only because a failed call was tried again."""
        return self.status is StepStatus.PASSED and any(not attempt.succeeded for attempt in self.attempts)


class StepRunner:
    """Runs the named steps in their declared order, timing each and recording its calls' attempts."""

    def __init__(
        self,
        names: tuple[str, ...],
        *,
        thresholds: Mapping[str, StepThreshold] | None = None,
        clock: Callable[[], float] = time.perf_counter,
        on_finished: Callable[[StepRecord], None] = lambda record: None,
    ) -> None:
        """`on_finished` sees each step's record once it has passed or failed (the load test reports it to Locust)."""
        limits = dict(thresholds or {})
        unknown = sorted(set(limits) - set(names))
        if unknown:
            raise ValueError(f"thresholds for unknown steps {', '.join(unknown)}: expected some of {', '.join(names)}")
        self.records = [
            StepRecord(number, name, threshold=limits.get(name)) for number, name in enumerate(names, start=1)
        ]
        self._clock = clock
        self._on_finished = on_finished
        self._current: StepRecord | None = None
        self.failure: str | None = None

    @property
    def total(self) -> int:
        return len(self.records)

    @property
    def total_ms(self) -> float:
        return sum(record.ms or 0.0 for record in self.records)

    @property
    def passed(self) -> bool:
        return all(record.status is StepStatus.PASSED for record in self.records)

    def record_attempt(self, attempt: Attempt) -> None:
        """Attach an attempt of a client call to the step that is running (an AttemptObserver)."""
        if self._current is not None:
            self._current.attempts.append(attempt)

    def run(self, name: str, action: Callable[[], T]) -> T:
        """`action()` as the step `name`; raises StepFailed (and marks the later steps not run) when it raises."""
        record = self._record(name)
        if self.failure is not None:
            raise StepFailed(f"step {record.number}/{self.total} {name}: not run because {self.failure}")
        self._current = record
        record.trace_id = new_trace_id()
        started = self._clock()
        try:
            with step_trace(record.trace_id):
                result = action()
        except Exception as error:
            record.ms = (self._clock() - started) * 1000
            raise self._fail(record, describe(error)) from error
        finally:
            self._current = None
        record.ms = (self._clock() - started) * 1000
        if record.threshold is not None and record.ms > record.threshold.failed_ms:
            raise self._fail(
                record, f"took {record.ms:.0f} ms, over its failed_ms limit of {record.threshold.failed_ms} ms"
            )
        record.status = StepStatus.PASSED
        self._on_finished(record)
        return result

    def _fail(self, record: StepRecord, error: str) -> StepFailed:
        record.status = StepStatus.FAILED
        record.error = error
        self.failure = f"step {record.number}/{self.total} {record.name}: {error}"
        for later in self.records[record.number :]:
            later.error = f"not run because step {record.number}/{self.total} {record.name} failed"
        self._on_finished(record)
        return StepFailed(self.failure)

    def _record(self, name: str) -> StepRecord:
        for record in self.records:
            if record.name == name:
                if record.status is not StepStatus.NOT_RUN:
                    raise ValueError(f"step {name} already ran")
                skipped = [r.name for r in self.records[: record.number - 1] if r.status is StepStatus.NOT_RUN]
                if skipped and self.failure is None:
                    raise ValueError(f"step {name} cannot run before {', '.join(skipped)}")
                return record
        raise ValueError(f"unknown step {name}: expected one of {', '.join(r.name for r in self.records)}")


def describe(error: BaseException) -> str:
    """One redacted line for `error`: the client's and the checks' messages as they are, others with their type."""
    known = isinstance(error, (PhenomClientError, CheckFailed))
    text = str(error) if known else f"{type(error).__name__}: {error}"
    lines = text.strip().splitlines()
    return redact(lines[0] if lines else type(error).__name__)
