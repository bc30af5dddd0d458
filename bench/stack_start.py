"""How long `phenom-stack up --json --stack hermetic` takes to get ready, as a whole process, and which part takes what.

    .venv/bin/python bench/stack_start.py [--runs 5]

Each run spawns the command, stops the clock when the JSON line arrives (everything is then ready to serve), and
stops the stack with SIGTERM. The stack reports the seconds each part of its start took (`start_timings` in the JSON
line); Postgres, moto, the Lambda hosts and the engine start in the background, so their parts overlap the others
and the shares add up to more than 100%. "interpreter and imports" is what the whole process took beyond the stack's own clock.
The last line is the median time to ready.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from stack_process import STACK_COMMAND, start_stack
from timing import median, runs_option

# Parts phenom_stack/stack.py starts on a background thread while the foreground goes on.
BACKGROUND_PARTS = (
    "postgres",
    "moto",
    "trigger_hosts",
    "sign_in_trigger_hosts",
    "s3",
    "sign_up",
    "action_host",
    "hasura",
)


def main() -> None:
    runs = runs_option(__doc__, 5, "number of starts (the median is reported)")

    print(f"command: {' '.join([Path(STACK_COMMAND[0]).name, *STACK_COMMAND[1:]])}")
    ready, in_process, stop, parts = [], [], [], {}
    with tempfile.TemporaryDirectory(prefix="phenom-bench-") as directory:
        for run in range(1, runs + 1):
            stack = start_stack(Path(directory))
            stopped = stack.stop()
            ready.append(stack.ready_seconds)
            in_process.append(stack.description["started_in_seconds"])
            stop.append(stopped)
            for part, seconds in stack.description.get("start_timings", {}).items():
                parts.setdefault(part, []).append(seconds)
            print(
                f"  run {run}/{runs}: ready {stack.ready_seconds:.2f}s "
                f"(stack clock {in_process[-1]:.2f}s), stopped in {stopped:.2f}s",
                flush=True,
            )

    start = median(in_process)
    print(
        f"\nmedian of {runs} runs: ready {median(ready):.2f}s; stack clock {start:.2f}s; "
        f"interpreter and imports {median(ready) - start:.2f}s; SIGTERM to exit {median(stop):.2f}s"
    )
    if not parts:
        print("the JSON line has no start_timings: ask the stack helper which key carries the per-part timing")
    else:
        print(f"{'part':<28}{'median':>8}{'share of stack clock':>24}")
        for part, seconds in sorted(parts.items(), key=lambda item: -median(item[1])):
            note = " (background)" if part in BACKGROUND_PARTS else ""
            print(f"{part + note:<28}{median(seconds):>7.2f}s{median(seconds) / start:>24.0%}")
    print(f"stack start (hermetic, whole process, median of {runs}): {median(ready):.2f} s to ready")


if __name__ == "__main__":
    main()
