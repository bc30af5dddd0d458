"""How long the infra fixture takes: init, apply, second plan and destroy of each environment, both side by side.

    .venv/bin/python bench/infra_apply.py

Production and development are stood up at the same time, each in a moto of its own (phenom_infra.applied), as the
test session does; each then plans again and is destroyed (production's destroy is the refusal of its guard, which
is what a destroy of production does while deletion protection is on). The whole fixture's wall time runs from the
start of both to the end of the later one, moto start, Lambda zips and certificate included. The last line compares
it with the 150 s target on this machine.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from timing import machine

from phenom_infra.applied import ENVIRONMENTS, applied_environment, missing_tool

TARGET_SECONDS = 150.0
PHASES = ("init", "apply", "plan", "destroy")


def stand_up_and_tear_down(name: str) -> dict[str, float]:
    """One environment through every phase; returns each phase's seconds and the environment's own wall time."""
    started = time.perf_counter()
    with applied_environment(name, destroy_on_exit=False) as applied:
        applied.plan_json()
        applied.destroy()
    return {**applied.timings, "wall": time.perf_counter() - started}


def main() -> None:
    reason = missing_tool()
    if reason:
        raise SystemExit(f"cannot apply here: {reason}")
    print(f"machine: {machine()}")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(ENVIRONMENTS)) as pool:
        timings = dict(zip(ENVIRONMENTS, pool.map(stand_up_and_tear_down, ENVIRONMENTS), strict=True))
    wall = time.perf_counter() - started
    print(f"{'environment':<14}" + "".join(f"{phase:>10}" for phase in (*PHASES, "wall")))
    for name, seconds in timings.items():
        print(f"{name:<14}" + "".join(f"{seconds.get(phase, float('nan')):>9.1f}s" for phase in (*PHASES, "wall")))
    print(
        f"both environments side by side: {wall:.1f} s wall for the whole fixture "
        f"({wall / TARGET_SECONDS:.2f} of the {TARGET_SECONDS:.0f} s target)"
    )


if __name__ == "__main__":
    main()
