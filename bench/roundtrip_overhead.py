"""What the pytest smoke round-trip costs over the raw calls it makes, and over Newman, on one running local stack.

    .venv/bin/python bench/roundtrip_overhead.py [--runs 5]

One hermetic stack is started first and shared; its start is not timed. Then, as whole processes, interleaved
(pytest, pytest-file, minimal, newman, pytest, ...):
- pytest:  `python -m pytest -m smoke --env local` (what `make smoke` runs), pointed at the running stack with
           --stack-file;
- minimal: bench/minimal_roundtrip.py, the same seven calls with plain boto3 and requests;
- newman:  Newman running hasura/postman's collection (the same calls; its createPhenom names two files);
- pytest-file: the same pytest command limited to tests/smoke/test_roundtrip.py, which spares it importing (to
           collect and deselect) every other module under tests/.
Each contender runs once untimed first, so the Lambda host's first-request cost (boto3 import, JWKS, app secret)
lands in no timed run. The round-trip's own time inside the process (pytest's step table via --phenom-report,
the minimal script's printed time, Newman's "total run duration") is reported too. The last line has the medians and both ratios.
"""

from __future__ import annotations

import json
import os
import re

from stack_process import running_stack
from timing import BENCH_DIR, PYTHON, interleave, median, ratio, runs_option, timed_process

from phenom_stack.newman import NEWMAN_MISSING, newman_available, newman_command, write_environment

SMOKE = ("-m", "smoke", "--env", "local")
ROUNDTRIP_TEST = "tests/smoke/test_roundtrip.py"
MINIMAL_LINE = re.compile(r"minimal round-trip .*: (\d+) ms")
NEWMAN_DURATION = re.compile(r"total run duration: ([\d.]+)(ms|s)\b")


def main() -> None:
    runs = runs_option(__doc__, 5, "interleaved rounds (medians are reported)")
    if not newman_available():
        raise SystemExit(NEWMAN_MISSING)

    with running_stack() as (stack, stack_file):
        private = stack_file.parent
        report = private / "roundtrip-report.json"
        attach = (f"--stack-file={stack_file}",)
        pytest_command = [PYTHON, "-m", "pytest", *attach, *SMOKE, f"--phenom-report={report}"]
        file_command = [PYTHON, "-m", "pytest", *attach, *SMOKE, ROUNDTRIP_TEST]
        minimal_command = [PYTHON, str(BENCH_DIR / "minimal_roundtrip.py"), "--stack-file", str(stack_file)]
        newman = newman_command(write_environment(stack.local_stack(), private))
        # The commands as a user runs them: bench/ stays off PYTHONPATH, where every import of pytest's would look
        # first (the minimal script finds its helpers beside it).
        env = dict(os.environ)
        in_process = {"pytest": [], "minimal": [], "newman": []}

        def run_pytest() -> float:
            seconds, _ = timed_process(pytest_command, env=env)
            in_process["pytest"].append(json.loads(report.read_text())["total_ms"])
            return seconds

        def run_minimal() -> float:
            seconds, output = timed_process(minimal_command, env=env)
            in_process["minimal"].append(float(MINIMAL_LINE.search(output).group(1)))
            return seconds

        def run_newman() -> float:
            seconds, output = timed_process(newman, env=env)
            value, unit = NEWMAN_DURATION.search(output).groups()
            in_process["newman"].append(float(value) * (1000 if unit == "s" else 1))
            return seconds

        contenders = {
            "pytest": run_pytest,
            "pytest-file": lambda: timed_process(file_command, env=env)[0],
            "minimal": run_minimal,
            "newman": run_newman,
        }
        print(f"stack ready in {stack.ready_seconds:.2f}s (not timed below); warm-up run of each contender")
        for contender in contenders.values():
            contender()
        for values in in_process.values():
            values.clear()
        seconds = interleave(contenders, runs)

    medians = {name: median(values) for name, values in seconds.items()}
    print(f"\nwhole process, median of {runs} interleaved runs:")
    for name, value in medians.items():
        print(f"  {name:<12}{value:6.2f}s")
    print(
        f"round-trip inside the process (median): pytest steps {median(in_process['pytest']):.0f} ms, "
        f"minimal {median(in_process['minimal']):.0f} ms, newman run {median(in_process['newman']):.0f} ms"
    )
    print(
        f"pytest-file: pytest-file/minimal {ratio(medians['pytest-file'], medians['minimal']):.2f}x, "
        f"pytest-file/newman {ratio(medians['pytest-file'], medians['newman']):.2f}x"
    )
    print(
        f"round-trip (whole process, median of {runs}): pytest {medians['pytest']:.2f} s, "
        f"minimal {medians['minimal']:.2f} s, newman {medians['newman']:.2f} s; "
        f"pytest/minimal {ratio(medians['pytest'], medians['minimal']):.2f}x (goal <= 1.2x), "
        f"pytest/newman {ratio(medians['pytest'], medians['newman']):.2f}x (goal < 1x)"
    )


if __name__ == "__main__":
    main()
