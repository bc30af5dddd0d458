"""pytest plugin part of the load test: the size of its runs and their figures in the terminal summary."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.load.locust_process import LocustRun

# Every simulated user signs in as a Cognito user of its own, so "owner" and "simulated user" are the same thing.
SIMULATED_USERS = 20
RUN_SECONDS = 30
# Locust worker processes for the main run (0: users in one process); a user who outgrows one process sets more.
WORKERS_VARIABLE = "PHENOM_LOAD_WORKERS"
# Beside the main run, a shorter one of a master and this many workers keeps the distributed mode checked.
DISTRIBUTED_WORKERS = 2
DISTRIBUTED_RUN_SECONDS = 10

LOCUST_RUNS: pytest.StashKey[list[LocustRun]] = pytest.StashKey()


def configured_workers() -> int:
    """PHENOM_LOAD_WORKERS as a worker count (0 when unset); a usage error names a bad value."""
    value = os.environ.get(WORKERS_VARIABLE, "0").strip() or "0"
    if not value.isdigit():
        raise pytest.UsageError(
            f"{WORKERS_VARIABLE}={value!r}: give a number of Locust worker processes (0: one process)"
        )
    return int(value)


def write_summary(terminalreporter, config: pytest.Config) -> None:
    """The load run's figures, when this session ran Locust."""
    # Imported here: every session loads this plugin, and only a load run has figures to print.
    from tests.load.locust_stats import table

    for run in config.stash.get(LOCUST_RUNS, []):
        processes = f"a master and {run.workers} Locust workers" if run.workers else "one Locust process"
        terminalreporter.write_sep(
            "-", f"phenom load: {run.simulated_users} users for {run.run_seconds}s on the local stack, {processes}"
        )
        for line in table(run.steps, run.total):
            terminalreporter.write_line(line)
        iterations = len(run.uploads)
        failed_attempts = sum(record.failed_attempts for record in run.records)
        terminalreporter.write_line(
            f"{iterations} phenoms created and deleted; {failed_attempts} client attempts failed "
            "(retried or reported as failures)"
        )
