"""Locust load on the Phenom API: every simulated user runs the smoke round-trip in a loop, against any environment.

    python -m locust -f tests/load/locustfile.py --headless -u 20 -r 10 -t 30s --stop-timeout 60 \\
        --phenom-stack-file stack.json --phenom-results records.json

Each iteration is phenom_client/roundtrip.py's run_roundtrip, the one the smoke test runs: sign in -> createPhenom
-> upload -> getPhenoms -> download -> deletePhenom, with its checks, and its cleanup of what a failed iteration
created. Every step is a Locust request event named after the step, with the step's own time; a failed step is a
failed request. Verification records (ids, keys, sha256 of what was uploaded and of what came back, what getPhenoms
showed to whom) are copied from the API's answers as the client receives them, and written as JSON to
--phenom-results at test_stop. Where the load goes and as whom: see tests/load/target.py. Give --stop-timeout so
that users finish their iteration when the time is up; otherwise Locust stops them mid-way and rows stay behind.

Locust monkey-patches the process with gevent: run this only in a process of its own, never inside pytest.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from locust import User, constant, events, task

from phenom_client import Attempt, EnvConfig, PhenomClient, SmokeCredentials
from phenom_client.models import CreatedPhenom, DeletedPhenom, Phenom, PresignedUpload
from phenom_client.roundtrip import ROUNDTRIP_STEPS, run_roundtrip
from phenom_client.steps import StepFailed, StepRecord, StepRunner, StepStatus
from tests.load.records import UploadRecord, UserRecord, write_records
from tests.load.target import (
    ENV_VARIABLE,
    RESULTS_VARIABLE,
    STACK_FILE_VARIABLE,
    WORKER_COUNT_VARIABLE,
    WORKER_INDEX_VARIABLE,
    LoadTarget,
    load_target,
)

REQUEST_TYPE = "phenom"


class LoadRun:
    """This process's target and every user's records, shared by the users and written out at test_stop."""

    def __init__(self, target: LoadTarget, results_path: Path | None, first_number: int = 0, stride: int = 1) -> None:
        self.target = target
        self.results_path = results_path
        self.records: list[UserRecord] = []
        self._numbers = iter(range(first_number, 1_000_000, stride))
        self._lock = threading.Lock()

    def new_record(self) -> UserRecord:
        with self._lock:
            number = next(self._numbers)
            record = UserRecord(user_number=number, owner=self.target.credentials_for(number).username)
            self.records.append(record)
        return record


RUN: LoadRun | None = None


@events.init_command_line_parser.add_listener
def _add_options(parser) -> None:
    group = parser.add_argument_group("phenom", "Phenom load target (see tests/load/target.py)")
    group.add_argument(
        "--phenom-env",
        env_var=ENV_VARIABLE,
        default="local",
        help="environment from phenom_client/environments.toml: local (the running stack), dev or prod",
    )
    group.add_argument(
        "--phenom-stack-file",
        env_var=STACK_FILE_VARIABLE,
        default=None,
        help="for local: file holding the JSON line of `phenom-stack up --json`",
    )
    group.add_argument(
        "--phenom-results",
        env_var=RESULTS_VARIABLE,
        default=None,
        help="write the verification records as JSON to this file at test_stop",
    )


@events.init.add_listener
def _configure(environment, **_) -> None:
    global RUN
    options = environment.parsed_options
    results = Path(options.phenom_results) if options.phenom_results else None
    target = load_target(options.phenom_env, options.phenom_stack_file, os.environ)
    first, stride = int(os.environ.get(WORKER_INDEX_VARIABLE, 0)), int(os.environ.get(WORKER_COUNT_VARIABLE, 1))
    RUN = LoadRun(target, results, first, stride)


@events.test_stop.add_listener
def _write_records(environment, **_) -> None:
    if RUN is not None and RUN.results_path is not None:
        write_records(RUN.results_path, RUN.records)


class RecordingClient(PhenomClient):
    """A PhenomClient that copies what the API answers into one user's record, whether the round-trip's steps or its
    cleanup made the call. A user's iterations run one after the other, so the last upload is the current one."""

    def __init__(self, env: EnvConfig, credentials: SmokeCredentials, record: UserRecord) -> None:
        # The round-trip attaches its steps' attempts to the steps; this observer sees its cleanup's.
        super().__init__(env, credentials, on_attempt=self._count_failed)
        self.record = record

    def create_phenom(self, filenames: Sequence[str], **options) -> CreatedPhenom:
        created = super().create_phenom(filenames, **options)
        self.record.uploads.append(UploadRecord(created.phenom_id, created.uploads[0].key))
        return created

    def upload(self, upload: PresignedUpload, data: bytes) -> None:
        super().upload(upload, data)
        self.record.uploads[-1].sha256 = hashlib.sha256(data).hexdigest()

    def get_phenoms(self, *, limit: int = 20) -> tuple[Phenom, ...]:
        rows = super().get_phenoms(limit=limit)
        self.record.seen_ids.update(row.id for row in rows)
        current = self.record.uploads[-1] if self.record.uploads else None
        if current is not None and not current.deleted and any(row.id == current.phenom_id for row in rows):
            current.listed_to_owner = True
        return rows

    def download(self, signed_uri: str) -> bytes:
        data = super().download(signed_uri)
        self.record.uploads[-1].downloaded_sha256 = hashlib.sha256(data).hexdigest()
        return data

    def delete_phenom(self, phenom_id: str) -> DeletedPhenom:
        answer = super().delete_phenom(phenom_id)
        for upload in self.record.uploads:
            if upload.phenom_id == phenom_id:
                upload.deleted, upload.deleted_objects = True, answer.deleted_objects
        return answer

    def _count_failed(self, attempt: Attempt) -> None:
        if not attempt.succeeded:
            self.record.failed_attempts += 1


class PhenomUser(User):
    """Runs the smoke round-trip as one Cognito user, again and again without pause."""

    wait_time = constant(0)

    def on_start(self) -> None:
        assert RUN is not None, "the init event did not run: start this file with `python -m locust -f ...`"
        self.record = RUN.new_record()
        self.phenom = RecordingClient(RUN.target.env, RUN.target.credentials_for(self.record.user_number), self.record)

    def on_stop(self) -> None:
        self.phenom.close()

    @task
    def round_trip(self) -> None:
        outcome = run_roundtrip(self.phenom, StepRunner(ROUNDTRIP_STEPS, on_finished=self._report))
        if outcome.cleanup and not outcome.deleted:
            self.record.failures.append(f"cleanup: {outcome.cleanup}")

    def _report(self, step: StepRecord) -> None:
        """A finished step as a Locust request of its name and time; a failed step is a failed request."""
        self.record.failed_attempts += sum(not attempt.succeeded for attempt in step.attempts)
        failure = None
        if step.status is StepStatus.FAILED:
            self.record.failures.append(f"{step.name}: {step.error}")
            failure = StepFailed(step.error)
        self.environment.events.request.fire(
            request_type=REQUEST_TYPE,
            name=step.name,
            response_time=step.ms,
            response_length=0,
            exception=failure,
            context={"user": self.record.user_number},
        )
