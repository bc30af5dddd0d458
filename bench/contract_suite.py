"""Wall time of the whole hermetic contract suite, and its slowest tests.

    .venv/bin/python bench/contract_suite.py [--runs 3]

Each run is one process: `python -m pytest -m contract --stack hermetic -q --durations=10` (the stack starts once
inside it, as in a developer's run). The slowest ten phases (setup, call or teardown) come from pytest's
--durations table of the run closest to the median. A run whose tests fail is still timed, and its outcome line
is shown. The last line is the median wall time.
"""

from __future__ import annotations

import re
import subprocess
import time

from timing import PYTHON, REPO_ROOT, last_lines, median, runs_option

COMMAND = (PYTHON, "-m", "pytest", "-m", "contract", "--stack", "hermetic", "-q", "--durations=10")
DURATION_LINE = re.compile(r"^(\d+\.\d+)s (setup|call|teardown)\s+(\S.*)$")
OUTCOME_LINE = re.compile(r"^=*\s*(\d+ (?:passed|failed|error|errors|skipped)\b.*) in ([\d.]+)s")


def run_suite() -> tuple[float, str, list[tuple[float, str, str]]]:
    """(wall seconds, pytest's outcome line, [(seconds, phase, test id)] of its --durations table)."""
    started = time.perf_counter()
    finished = subprocess.run(
        COMMAND,
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=1800,
    )
    seconds = time.perf_counter() - started
    lines = finished.stdout.splitlines()
    durations = [(float(m[1]), m[2], m[3]) for m in map(DURATION_LINE.match, lines) if m]
    outcome = next((m[1] for m in map(OUTCOME_LINE.match, reversed(lines)) if m), None)
    if outcome is None:
        outcome = f"no outcome line (exit {finished.returncode}); last output:\n{last_lines(finished.stdout)}"
    return seconds, outcome, durations


def main() -> None:
    runs = runs_option(__doc__, 3, "whole-suite runs (the median is reported)")

    print(f"command: python {' '.join(COMMAND[1:])}")
    runs = []
    for number in range(1, runs + 1):
        runs.append(run_suite())
        print(f"  run {number}/{runs}: {runs[-1][0]:.1f}s ({runs[-1][1]})", flush=True)

    wall = median([seconds for seconds, _, _ in runs])
    typical = min(runs, key=lambda run: abs(run[0] - wall))
    print(f"\nslowest 10 of the run closest to the median ({typical[0]:.1f}s):")
    for seconds, phase, test in typical[2]:
        print(f"  {seconds:6.2f}s {phase:<9}{test}")
    print(f"contract suite (hermetic, whole process, median of {runs}): {wall:.1f} s wall ({typical[1]})")


if __name__ == "__main__":
    main()
