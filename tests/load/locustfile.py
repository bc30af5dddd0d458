"""Locust load on the Phenom API through PhenomClient, against any environment.

    python -m locust -f tests/load/locustfile.py --headless -u 20 -r 10 -t 30s --stop-timeout 60 \\
        --phenom-stack-file stack.json --phenom-results records.json

Each simulated user signs in once, then loops createPhenom -> PUT upload -> getPhenoms -> GET download ->
deletePhenom. Every step is a Locust request event named after the step, with its response time; a failed step is
a failed request, and the iteration stops there (deleting what it created). Verification records (ids, keys,
sha256 of what was uploaded and of what came back, what getPhenoms showed to whom) are written as JSON to
--phenom-results at test_stop. Where the load goes and as whom: see tests/load/target.py. Give --stop-timeout so
that users finish their iteration when the time is up; otherwise Locust stops them mid-way and rows stay behind.

Locust monkey-patches the process with gevent: run this only in a process of its own, never inside pytest.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from locust import User, constant, events, task

from phenom_client import Attempt, PhenomClient
from phenom_client.roundtrip import LIST_LIMIT
from phenom_client.steps import describe
from tests.load.records import LoadObject, UploadRecord, UserRecord, write_records
from tests.load.target import ENV_VARIABLE, RESULTS_VARIABLE, STACK_FILE_VARIABLE, LoadTarget, load_target

T = TypeVar("T")
REQUEST_TYPE = "phenom"


class StepFailed(Exception):
    """A step of the iteration failed and was reported to Locust as a failed request."""


class LoadRun:
    """This process's target and every user's records, shared by the users and written out at test_stop."""

    def __init__(self, target: LoadTarget, results_path: Path | None) -> None:
        self.target = target
        self.results_path = results_path
        self.records: list[UserRecord] = []
        self._numbers = iter(range(1_000_000))
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
    RUN = LoadRun(load_target(options.phenom_env, options.phenom_stack_file, os.environ), results)


@events.test_stop.add_listener
def _write_records(environment, **_) -> None:
    if RUN is not None and RUN.results_path is not None:
        write_records(RUN.results_path, RUN.records)


class PhenomUser(User):
    """Signs in once, then creates, uploads, lists, downloads and deletes one phenom per iteration, without pause."""

    wait_time = constant(0)

    def on_start(self) -> None:
        assert RUN is not None, "the init event did not run: start this file with `python -m locust -f ...`"
        self.record = RUN.new_record()
        self.phenom = PhenomClient(
            RUN.target.env, RUN.target.credentials_for(self.record.user_number), on_attempt=self._count_failed_attempts
        )
        self.step("sign in", self.phenom.sign_in)

    def on_stop(self) -> None:
        self.phenom.close()

    @task
    def round_trip(self) -> None:
        item = LoadObject.new()
        upload: UploadRecord | None = None
        try:
            created = self.step("createPhenom", lambda: self.phenom.create_phenom([item.filename]))
            upload = UploadRecord(created.phenom_id, created.uploads[0].key, item.sha256)
            self.record.uploads.append(upload)
            self.step("PUT upload", lambda: self.phenom.upload(created.uploads[0], item.content))
            rows = self.step("getPhenoms", lambda: self.phenom.get_phenoms(limit=LIST_LIMIT))
            self.record.seen_ids.update(row.id for row in rows)
            row = next((row for row in rows if row.id == upload.phenom_id), None)
            upload.listed_to_owner = row is not None
            if row is not None and row.signed_uri:
                data = self.step("GET download", lambda: self.phenom.download(row.signed_uri))
                upload.downloaded_sha256 = LoadObject.digest(data)
            self.delete(upload, "deletePhenom")
        except StepFailed:
            if upload is not None and not upload.deleted:
                self.delete_quietly(upload)

    def delete(self, upload: UploadRecord, name: str) -> None:
        answer = self.step(name, lambda: self.phenom.delete_phenom(upload.phenom_id))
        upload.deleted, upload.deleted_objects = True, answer.deleted_objects

    def delete_quietly(self, upload: UploadRecord) -> None:
        with contextlib.suppress(StepFailed):
            self.delete(upload, "deletePhenom (cleanup)")

    def step(self, name: str, action: Callable[[], T]) -> T:
        """`action()` reported to Locust as request `name`; StepFailed (after reporting) when it raises."""
        started = time.perf_counter()
        try:
            result = action()
        except Exception as error:  # noqa: BLE001 - every failure of a step is a failed request, whatever raised
            message = describe(error)
            self.record.failures.append(f"{name}: {message}")
            self._fire(name, started, StepFailed(message))
            raise StepFailed(message) from None
        self._fire(name, started, None)
        return result

    def _fire(self, name: str, started: float, exception: Exception | None) -> None:
        self.environment.events.request.fire(
            request_type=REQUEST_TYPE,
            name=name,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=exception,
            context={"user": self.record.user_number},
        )

    def _count_failed_attempts(self, attempt: Attempt) -> None:
        if not attempt.succeeded:
            self.record.failed_attempts += 1
