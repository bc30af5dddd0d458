"""Run tests/load/locustfile.py headless in a process of its own (Locust's gevent patching never enters pytest), or
distributed: a master (statistics, run time) and N worker processes (the users), all on 127.0.0.1.

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
from phenom_stack.child_process import stop_process_group
from phenom_stack.local_stack import StackUser
from phenom_stack.ports import free_port
from tests.load.locust_stats import StepStats, read_stats
from tests.load.records import UploadRecord, UserRecord, read_records
from tests.load.target import (
    RESULTS_VARIABLE,
    STACK_FIELDS,
    STACK_FILE_VARIABLE,
    USERS_VARIABLE,
    WORKER_COUNT_VARIABLE,
    WORKER_INDEX_VARIABLE,
)

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
    simulated_users: int
    run_seconds: int
    workers: int

    @property
    def uploads(self) -> list[UploadRecord]:
        """Every iteration of every user, in record order."""
        return [upload for record in self.records for upload in record.uploads]


def run_locust(
    stack: object,
    users: Sequence[StackUser],
    workdir: Path,
    *,
    simulated_users: int,
    spawn_rate: int,
    run_seconds: int,
    workers: int = 0,
) -> LocustRun:
    """Locust with `simulated_users` users against `stack` (a LocalStack) for `run_seconds`, signing in as `users`;
    in one process, or with `workers` > 0 as a master and that many worker processes."""
    stack_file = workdir / "stack.json"
    stack_file.write_text(json.dumps({name: getattr(stack, name) for name in STACK_FIELDS}))
    stats, log = workdir / "stats", workdir / "locust.log"
    locust = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--loglevel", "WARNING"]
    command = [
        *locust,
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
    ]
    env = {
        **os.environ,
        USERS_VARIABLE: json.dumps([{"username": user.username, "password": user.password} for user in users]),
        STACK_FILE_VARIABLE: str(stack_file),
    }
    timeout = run_seconds + STOP_TIMEOUT_SECONDS + SLACK_SECONDS
    results = [workdir / f"records-{number}.json" for number in range(max(workers, 1))]
    if workers:
        port = free_port()
        command += ["--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port)]
        command += ["--expect-workers", str(workers), "--expect-workers-max-wait", str(SLACK_SECONDS)]
        worker_command = [*locust, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port)]
        worker_envs = [_worker_env(env, results[number], number, workers) for number in range(workers)]
    else:
        env[RESULTS_VARIABLE] = str(results[0])
        worker_envs = []
    with log.open("wb") as output:
        processes = [_start(worker_command, worker_env, output) for worker_env in worker_envs]
        try:
            processes.insert(0, _start(command, env, output))
            exit_code = processes[0].wait(timeout=timeout)
            # A worker writes its users' records when the master stops the run, then exits as the master quits.
            for worker in processes[1:]:
                worker.wait(timeout=STOP_TIMEOUT_SECONDS)
        finally:
            # A process still running after its wait (timed out, or the run failed) is stopped, never left behind.
            for process in processes:
                if process.poll() is None:
                    stop_process_group(process)
    log_tail = redact("\n".join(log.read_text(errors="replace").splitlines()[-30:]))
    stats_file = stats.with_name(f"{stats.name}.json")
    if not stats_file.exists() or not all(path.exists() for path in results):
        raise LocustRunFailed(
            f"Locust exited {exit_code} without its statistics or records; last log lines:\n{log_tail}\n"
            f"Hint: run `python -m locust -f {LOCUSTFILE.relative_to(REPO_ROOT)} --headless -u 1 -t 5s "
            "--phenom-stack-file <stack.json>` against `phenom-stack up --json > stack.json`"
        )
    steps, total = read_stats(stats_file)
    records = [record for path in results for record in read_records(path)]
    return LocustRun(exit_code, steps, total, records, log_tail, simulated_users, run_seconds, workers)


def _worker_env(env: dict[str, str], results: Path, number: int, workers: int) -> dict[str, str]:
    return {
        **env,
        RESULTS_VARIABLE: str(results),
        WORKER_INDEX_VARIABLE: str(number),
        WORKER_COUNT_VARIABLE: str(workers),
    }


def _start(command: list[str], env: dict[str, str], output) -> subprocess.Popen:
    # A group of its own, so stop_process_group reaches whatever it starts.
    return subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
