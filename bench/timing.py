"""Side-by-side timing for the bench scripts: interleaved runs, median and p95, ratios, timed child processes, and
the machine the figures come from. Benchmarks are not tests: nothing here asserts a time."""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from phenom_client.redaction import redact

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO_ROOT / "bench"
# The project venv's interpreter: every child runs with the same Python as the script itself.
PYTHON = sys.executable


class BenchError(Exception):
    """A timed command failed, so its time means nothing; the message carries its exit code and last output."""


def runs_option(doc: str, default: int, meaning: str) -> int:
    """The `--runs` of a script whose --help is its docstring's first line, once the machine line is printed: every
    figure after it is read against that machine."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--runs", type=int, default=default, help=meaning)
    runs = parser.parse_args().runs
    print(f"machine: {machine()}")
    return runs


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (fraction 0.95 is p95): a value that was actually measured."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("inf")


def interleave(
    contenders: Mapping[str, Callable[[], float]], runs: int, *, report_each_round: bool = True
) -> dict[str, list[float]]:
    """Run each contender once per round, in the given order (A B C A B C ...), for `runs` rounds; each returns the
    seconds it measured. Interleaving spreads drift on the machine (caches, other load) over all of them alike."""
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    for round_number in range(1, runs + 1):
        for name, contender in contenders.items():
            seconds[name].append(contender())
        if report_each_round:
            shown = "  ".join(f"{name} {values[-1]:.3f}s" for name, values in seconds.items())
            print(f"  round {round_number}/{runs}: {shown}", flush=True)
    return seconds


def timed_process(
    command: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path = REPO_ROOT, timeout: float = 600.0
) -> tuple[float, str]:
    """Wall seconds from spawn to exit of `command`, and its combined output; BenchError when it fails."""
    started = time.perf_counter()
    try:
        finished = subprocess.run(
            list(command),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"{_shown(command)} did not finish within {timeout:.0f}s") from None
    elapsed = time.perf_counter() - started
    if finished.returncode != 0:
        raise BenchError(
            f"{_shown(command)} exited {finished.returncode}; last output:\n{redact(last_lines(finished.stdout))}"
        )
    return elapsed, finished.stdout


def child_env(**extra: str) -> dict[str, str]:
    """This process's environment plus `extra`, with bench/ importable (for the helper modules)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH_DIR), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def last_lines(text: str, count: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-count:])


def machine() -> str:
    """`<n> cores, <CPU model>, Python <version>` (what the README prints next to the figures) and the load average
    when the run began: other work on the machine shows up in every figure."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{len(os.sched_getaffinity(0))} cores (nproc), {model}, Python {platform.python_version()}; load average {load}"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _shown(command: Sequence[str]) -> str:
    return " ".join(Path(part).name if index == 0 else part for index, part in enumerate(command))
