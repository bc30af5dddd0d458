"""Locust's final statistics (`--json-file`) per step: requests, failures, requests per second, p50 and p95.

Read from the JSON file Locust writes when it quits (its CSV files are rewritten once a second while it runs, so
they can miss the last second).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StepStats:
    """One step's (or all steps') figures over the whole run."""

    name: str
    requests: int
    failures: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float


def read_stats(path: Path) -> tuple[list[StepStats], StepStats]:
    """(each step, the total) from Locust's `--json-file` output."""
    entries = json.loads(path.read_text())
    steps = [_stats(entry["name"], [entry]) for entry in entries]
    return sorted(steps, key=lambda step: step.name), _stats("all steps", entries)


def table(steps: list[StepStats], total: StepStats) -> list[str]:
    """The figures as aligned text lines."""
    lines = [f"{'step':<24}{'requests':>9}{'failures':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"]
    for step in [*steps, total]:
        lines.append(
            f"{step.name:<24}{step.requests:>9}{step.failures:>9}{step.requests_per_second:>8.1f}"
            f"{step.p50_ms:>8.0f}{step.p95_ms:>8.0f}"
        )
    return lines


def _stats(name: str, entries: list[dict]) -> StepStats:
    histogram: dict[float, int] = {}
    for entry in entries:
        for milliseconds, count in entry["response_times"].items():
            histogram[float(milliseconds)] = histogram.get(float(milliseconds), 0) + count
    requests = sum(entry["num_requests"] for entry in entries)
    started = min(entry["start_time"] for entry in entries)
    ended = max(entry["last_request_timestamp"] or started for entry in entries)
    return StepStats(
        name=name,
        requests=requests,
        failures=sum(entry["num_failures"] for entry in entries),
        requests_per_second=requests / (ended - started) if ended > started else 0.0,
        p50_ms=_percentile(histogram, 0.50),
        p95_ms=_percentile(histogram, 0.95),
    )


def _percentile(histogram: dict[float, int], fraction: float) -> float:
    """Nearest-rank percentile of a {response time: count} histogram (Locust rounds the times it stores)."""
    total = sum(histogram.values())
    if not total:
        return 0.0
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for milliseconds in sorted(histogram):
        seen += histogram[milliseconds]
        if seen >= rank:
            return milliseconds
    return max(histogram)
