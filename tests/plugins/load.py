"""pytest plugin part of the load test: the size of its run and its figures in the terminal summary."""

from __future__ import annotations

import pytest

from tests.load.locust_process import LocustRun
from tests.load.locust_stats import table

# Every simulated user signs in as a Cognito user of its own, so "owner" and "simulated user" are the same thing.
SIMULATED_USERS = 20
RUN_SECONDS = 30

LOCUST_RUN = pytest.StashKey[LocustRun]()


def write_summary(terminalreporter, config: pytest.Config) -> None:
    """The load run's figures, when this session ran Locust."""
    run = config.stash.get(LOCUST_RUN, None)
    if run is None:
        return
    terminalreporter.write_sep("-", f"phenom load: {SIMULATED_USERS} users for {RUN_SECONDS}s on the local stack")
    for line in table(run.steps, run.total):
        terminalreporter.write_line(line)
    iterations = len(run.uploads)
    failed_attempts = sum(record.failed_attempts for record in run.records)
    terminalreporter.write_line(
        f"{iterations} phenoms created and deleted; {failed_attempts} client attempts failed "
        "(retried or reported as failures)"
    )
