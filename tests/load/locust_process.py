"""Run tests/load/locustfile.py headless in a process of its own (Locust's gevent patching never enters pytest).

The users' passwords reach Locust through the PHENOM_LOAD_USERS environment variable only; the command line and
the stack file name endpoints, never a secret.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from phenom_client.redaction import redact
from phenom_stack.local_stack import StackUser
from tests.load.locust_stats import StepStats, read_stats
from tests.load.records import UploadRecord, UserRecord, read_records
from tests.load.target import RESULTS_VARIABLE, STACK_FIELDS, STACK_FILE_VARIABLE, USERS_VARIABLE

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
REPO_ROOT = LOCUSTFILE.parents[2]
# After the run time is up, users finish their iteration (so nothing is left half done) within this many seconds.
STOP_TIMEOUT_SECONDS = 60
# Locust's own start and stop, beyond the run time and the stop timeout.
SLACK_SECONDS = 120


class LocustRunFailed(Exception):
    """Locust did not produce its statistics or the users' records; the message carries its last log lines."""


@dataclass(frozen=True)
class LocustRun:
    """What one headless Locust run measured and recorded."""

    exit_code: int
    steps: list[StepStats]
    total: StepStats
    records: list[UserRecord]
    log_tail: str

    @property
    def uploads(self) -> list[UploadRecord]:
        """Every iteration of every user, in record order."""
        return [upload for record in self.records for upload in record.uploads]


def run_locust(
    stack: object, users: Sequence[StackUser], workdir: Path, *, simulated_users: int, spawn_rate: int, run_seconds: int
) -> LocustRun:
    """Locust with `simulated_users` users against `stack` (a LocalStack) for `run_seconds`, signing in as `users`."""
    stack_file = workdir / "stack.json"
    stack_file.write_text(json.dumps({name: getattr(stack, name) for name in STACK_FIELDS}))
    results, stats, log = workdir / "records.json", workdir / "stats", workdir / "locust.log"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(simulated_users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{run_seconds}s",
        "--stop-timeout",
        str(STOP_TIMEOUT_SECONDS),
        "--json-file",
        str(stats),
        "--loglevel",
        "WARNING",
    ]
    env = {
        **os.environ,
        USERS_VARIABLE: json.dumps([{"username": user.username, "password": user.password} for user in users]),
        STACK_FILE_VARIABLE: str(stack_file),
        RESULTS_VARIABLE: str(results),
    }
    with log.open("wb") as output:
        finished = subprocess.run(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=run_seconds + STOP_TIMEOUT_SECONDS + SLACK_SECONDS,
        )
    log_tail = redact("\n".join(log.read_text(errors="replace").splitlines()[-30:]))
    stats_file = stats.with_name(f"{stats.name}.json")
    if not stats_file.exists() or not results.exists():
        raise LocustRunFailed(
            f"Locust exited {finished.returncode} without its statistics or records; last log lines:\n{log_tail}\n"
            f"Hint: run `python -m locust -f {LOCUSTFILE.relative_to(REPO_ROOT)} --headless -u 1 -t 5s "
            "--phenom-stack-file <stack.json>` against `phenom-stack up --json > stack.json`"
        )
    steps, total = read_stats(stats_file)
    return LocustRun(finished.returncode, steps, total, read_records(results), log_tail)
