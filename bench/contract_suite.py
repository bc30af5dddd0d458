"""Wall time of the whole hermetic contract suite, serial and with pytest-xdist (`-n auto`), and its slowest tests.

    .venv/bin/python bench/contract_suite.py [--runs 3]

Each run is one process: `python -m pytest -m contract --stack hermetic -q --durations=10` (the stack starts once
inside it, as in a developer's run), and the same with `-n auto` (the workers share one stack, started by the first
that needs it). Serial and parallel runs alternate, so a machine shared with other work loads both alike. The slowest
ten phases (setup, call or teardown) come from pytest's --durations table of the serial run closest to the median. A
run whose tests fail is still timed, and its outcome line is shown. The last line has both medians and their ratio.
"""

from __future__ import annotations

import os
import re
import subprocess
import time

from timing import PYTHON, REPO_ROOT, last_lines, median, ratio, runs_option

COMMAND = (PYTHON, "-m", "pytest", "-m", "contract", "--stack", "hermetic", "-q", "--durations=10")
PARALLEL = ("-n", "auto")
DURATION_LINE = re.compile(r"^(\d+\.\d+)s (setup|call|teardown)\s+(\S.*)$")
OUTCOME_LINE = re.compile(r"^=*\s*(\d+ (?:passed|failed|error|errors|skipped)\b.*) in ([\d.]+)s")


def run_suite(*extra: str) -> tuple[float, str, list[tuple[float, str, str]]]:
    """(wall seconds, pytest's outcome line with the failed tests' ids, [(seconds, phase, test id)] of its
    --durations table)."""
    started = time.perf_counter()
    finished = subprocess.run(
        (*COMMAND, *extra),
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
    failed = [line for line in lines if line.startswith(("FAILED ", "ERROR "))]
    if failed:
        outcome += "".join(f"\n      {line}" for line in failed)
    return seconds, outcome, durations


def main() -> None:
    count = runs_option(__doc__, 3, "rounds of one serial and one parallel run (medians are reported)")

    print(f"command: python {' '.join(COMMAND[1:])} [{' '.join(PARALLEL)}]; {os.cpu_count()} cores")
    runs = {"serial": [], "parallel": []}
    for number in range(1, count + 1):
        for name, extra in (("serial", ()), ("parallel", PARALLEL)):
            runs[name].append(run_suite(*extra))
            print(f"  round {number}/{count} {name:<9}{runs[name][-1][0]:6.1f}s ({runs[name][-1][1]})", flush=True)

    walls = {name: median([seconds for seconds, _, _ in values]) for name, values in runs.items()}
    typical = min(runs["serial"], key=lambda run: abs(run[0] - walls["serial"]))
    print(f"\nslowest 10 of the serial run closest to the median ({typical[0]:.1f}s):")
    for seconds, phase, test in typical[2]:
        print(f"  {seconds:6.2f}s {phase:<9}{test}")
    print(
        f"contract suite (hermetic, whole process, median of {count}): serial {walls['serial']:.1f} s, "
        f"-n auto {walls['parallel']:.1f} s; parallel/serial {ratio(walls['parallel'], walls['serial']):.2f}x "
        "(goal <= 0.6x)"
    )


if __name__ == "__main__":
    main()
