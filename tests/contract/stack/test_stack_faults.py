"""Faults injected into a stack's own parts (SIGSTOP to stall, SIGKILL to kill, by the process serving each part) and
what is left afterwards: rows, objects, processes, ports, temp dirs.

Each test kills parts, so none uses the session's stack: the in-process `fault_stack` is this module's own, and
the tests that kill the stack itself run `phenom-stack up` in a child process with a TMPDIR of its own.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path

import psycopg
import pytest

from phenom_client.client import PhenomClient
from phenom_client.credentials import SmokeCredentials
from phenom_client.environments import load_environment
from phenom_client.roundtrip import ROUNDTRIP_STEPS, SmokeObject, run_roundtrip
from phenom_client.steps import StepRunner
from phenom_stack.leftovers import POSTGRES_PREFIX, STACK_PREFIX, memory_root
from phenom_stack.local_stack import LocalStack
from phenom_stack.moto_clients import moto_client
from phenom_stack.stack import run_local_stack
from tests.contract.backend_calls import call_action_as
from tests.contract.sign_in import sign_in_stack_user
from tests.contract.stack_cli_process import memory_dirs_of, phenom_stack_up, traversable_tmpdir
from tests.kit.faults import (
    TCP_ESTABLISHED,
    StackParts,
    descendants,
    listening_ports,
    part_ports,
    pid_listening_on,
    running,
    tcp_sockets,
    wait_for,
)

pytestmark = pytest.mark.contract

READY_TIMEOUT_SECONDS = 90
# Bounds of the waits on a faulted stack: a part ends, a Lambda host comes back, a stack stops.
END_TIMEOUT_SECONDS = 20
RESTART_TIMEOUT_SECONDS = 30


@pytest.fixture(scope="module")
def fault_stack():
    """A hermetic stack of this module's own, whose parts the tests stall and kill: (stack, parts lost so far)."""
    lost: list[Exception] = []
    with run_local_stack("hermetic", on_part_lost=lost.append) as stack:
        yield stack, lost


@pytest.fixture(scope="module")
def fault_parts(fault_stack) -> StackParts:
    """The fault stack's parts by name, to stop and kill."""
    return StackParts(fault_stack[0])


@pytest.fixture(scope="module")
def fault_user(fault_stack):
    """The fault stack's first user, signed in."""
    stack, _ = fault_stack
    return sign_in_stack_user(stack, moto_client("cognito-idp", stack.aws_endpoint_url), 0)


def get_phenoms_status(stack, user) -> int:
    return call_action_as(stack.action_url, user, "getPhenoms", {"limit": 1}).status_code


def test_a_killed_lambda_host_is_restarted_and_serves_again(fault_stack, fault_parts, fault_user):
    stack, lost = fault_stack
    # GIVEN the action handler's host answers
    assert get_phenoms_status(stack, fault_user) == 200
    # WHEN its process is killed
    killed = fault_parts.kill("action-handler")
    # THEN another process serves its port and answers the next action, and nothing was lost
    restarted = wait_for(
        lambda: (pid := pid_listening_on(fault_parts.ports["action-handler"])) not in (None, killed) and pid,
        RESTART_TIMEOUT_SECONDS,
        "a new action handler host",
    )
    assert get_phenoms_status(stack, fault_user) == 200
    assert running(restarted) and not running(killed)
    assert lost == []


def engine_connections(pid: int, engine_port: int) -> bool:
    """Whether pid holds an established TCP connection to the engine's port (a call to the engine in flight)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return any(
        socket.state == TCP_ESTABLISHED and socket.remote_port == engine_port and socket.inode in inodes
        for socket in tcp_sockets()
    )


def unread_by_server(port: int) -> bool:
    """Whether a connection accepted on port has bytes its server has not read (a stopped Postgres's queries)."""
    return any(
        socket.state == TCP_ESTABLISHED and socket.local_port == port and socket.unread_bytes
        for socket in tcp_sockets()
    )


class LambdaDiesDuringCreate(StepRunner):
    """The round-trip's steps, with the action handler's host killed while createPhenom's insert is in flight: the
    database is stalled (SIGSTOP) until the engine, called by the host, has sent the insert's transaction to it; then
    the host is killed and the database resumed, so the insert commits and its answer is lost. The step returns once
    the host was restarted."""

    def __init__(self, parts: StackParts) -> None:
        super().__init__(ROUNDTRIP_STEPS)
        self.parts = parts
        self.killed: int | None = None

    def run(self, name, action):
        if name != "createPhenom":
            return super().run(name, action)
        host = self.parts.pid("action-handler")
        try:
            with self.parts.stopped("postgres"):
                killer = threading.Thread(target=self._kill_when_insert_is_sent, args=(host,))
                killer.start()
                try:
                    return super().run(name, action)
                finally:
                    killer.join()
        finally:
            wait_for(
                lambda: pid_listening_on(self.parts.ports["action-handler"]) not in (None, host),
                RESTART_TIMEOUT_SECONDS,
                "the action handler host's restart",
            )

    def _kill_when_insert_is_sent(self, host: int) -> None:
        # An open connection alone may not have carried the request yet: the insert is in flight once the engine's
        # statements wait, unread, at the stopped database.
        wait_for(
            lambda: (
                engine_connections(host, self.parts.ports["engine"]) and unread_by_server(self.parts.ports["postgres"])
            ),
            20,
            "the handler's insert, sent through the engine to the stopped database",
        )
        os.kill(host, signal.SIGKILL)
        self.killed = host


def test_a_create_whose_answer_is_lost_is_found_and_deleted_by_cleanup(fault_stack, fault_parts):
    stack, lost = fault_stack
    user = stack.users[0]
    steps = LambdaDiesDuringCreate(fault_parts)
    test_object = SmokeObject.new()
    # WHEN the Lambda dies with createPhenom's insert in flight
    with PhenomClient(
        load_environment("local", local_stack=stack), SmokeCredentials(user.username, user.password, "stack")
    ) as client:
        outcome = run_roundtrip(client, steps, test_object)
    # THEN the client got Hasura's webhook exception, and cleanup found the committed row by its filename
    assert steps.killed is not None
    assert outcome.failure.startswith("step 2/6 createPhenom:"), outcome.failure
    assert "http exception when calling webhook" in outcome.failure
    assert outcome.create_outcome_unknown
    assert outcome.cleanup.startswith("deleted phenom "), outcome.cleanup
    assert "listed 1 phenom(s)" in outcome.cleanup
    # AND no row names the file
    with psycopg.connect(stack.database_url) as connection:
        left = connection.execute(
            "SELECT count(*) FROM phenom_media WHERE original_filename = %s", (test_object.filename,)
        ).fetchone()[0]
    assert left == 0
    assert lost == []


def action_error(reply) -> tuple[int, str, str]:
    """(status, code, message) of an action handler's refusal."""
    error = reply.json()
    return reply.status_code, error["extensions"]["code"], error["message"]


def test_a_stale_database_connection_is_replaced_not_answered_as_a_query_error(fault_stack, fault_user):
    stack, _ = fault_stack
    assert get_phenoms_status(stack, fault_user) == 200
    # WHEN Postgres ends every backend of the engine's pooled connections (what a restart does to them)
    with psycopg.connect(stack.database_url, autocommit=True) as connection:
        ended = connection.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        ).fetchone()[0]
    # THEN the next action is answered from a new connection
    assert ended >= 1
    assert get_phenoms_status(stack, fault_user) == 200


def test_a_stalled_s3_is_named_in_the_answer(fault_stack, fault_parts, fault_user):
    stack, _ = fault_stack
    # GIVEN a phenom of the user's whose upload is not confirmed yet (getPhenoms asks S3 about it)
    created = call_action_as(
        stack.action_url,
        fault_user,
        "createPhenom",
        {"input": {"lat": 1.0, "lng": 1.0, "filenames": ["stalled.jpg"], "media_type": "image"}},
    )
    assert created.status_code == 200
    # WHEN moto (S3) is stalled while getPhenoms runs
    with fault_parts.stopped("moto"):
        reply = call_action_as(stack.action_url, fault_user, "getPhenoms", {"limit": 5})
    # THEN the answer names S3 and how long it was waited for, and no address
    status, code, message = action_error(reply)
    assert (status, code) == (400, "dependency-unavailable")
    assert message.startswith("the media bucket (S3) did not answer within 4 s (request id ")
    assert "127.0.0.1" not in message
    assert call_action_as(stack.action_url, fault_user, "deletePhenom", {"phenomId": created.json()["phenomId"]}).ok


def test_a_dead_database_is_named_and_reported_lost(fault_stack, fault_parts, fault_user):
    """Last of the fault stack's tests: it has no database afterwards."""
    stack, lost = fault_stack
    # WHEN Postgres is killed
    fault_parts.kill("postgres")
    # THEN an action that needs it is refused naming the database, and the stack reports Postgres lost
    status, code, message = action_error(call_action_as(stack.action_url, fault_user, "getPhenoms", {"limit": 1}))
    assert (status, code) == (400, "dependency-unavailable")
    assert message.startswith("the database did not answer the GraphQL engine's query (request id ")
    wait_for(lambda: lost, END_TIMEOUT_SECONDS, "the stack noticing Postgres is gone")
    assert str(lost[0]).startswith("Postgres exited with code ")
    # AND the parts still running (a Lambda host restarted earlier included) keep answering until the stack stops
    again = action_error(call_action_as(stack.action_url, fault_user, "getPhenoms", {"limit": 1}))
    assert again[:2] == (400, "dependency-unavailable")


def stack_dirs(tmpdir: Path, owner: int) -> set[Path]:
    """The dirs of the stack run of process owner with TMPDIR tmpdir: its work dirs, and its data dir in memory."""
    in_tmpdir = {path for prefix in (STACK_PREFIX, POSTGRES_PREFIX) for path in tmpdir.glob(f"{prefix}*")}
    return in_tmpdir | memory_dirs_of(owner)


def cli_ports(document: dict) -> set[int]:
    """The ports of the parts of the stack a `phenom-stack up --json` line describes."""
    return set(part_ports(LocalStack.from_json(json.dumps(document))).values())


@pytest.fixture(scope="module")
def killed_cli(tmp_path_factory):
    """`phenom-stack up` SIGKILLed once ready: (the processes and ports it had, its temp dirs, its TMPDIR)."""
    stderr_path = tmp_path_factory.mktemp("killed-cli") / "stderr.txt"
    with (
        traversable_tmpdir() as tmpdir,
        phenom_stack_up("hermetic", tmpdir, stderr_path, READY_TIMEOUT_SECONDS) as (process, document),
    ):
        children, ports, dirs = descendants(process.pid), cli_ports(document), stack_dirs(tmpdir, process.pid)
        assert children and dirs and ports <= set(listening_ports())
        # Where the machine has room in memory, the data directory is there, and its removal is checked too.
        assert memory_dirs_of(process.pid) or memory_root() is None
        process.kill()
        process.wait()
        yield children, ports, dirs, tmpdir


def test_sigkill_of_the_stack_leaves_no_process(killed_cli):
    children, _, _, _ = killed_cli
    wait_for(lambda: not any(running(pid) for pid in children), END_TIMEOUT_SECONDS, "every part ending")


def test_sigkill_of_the_stack_leaves_no_port_listening(killed_cli):
    _, ports, _, _ = killed_cli
    wait_for(lambda: not ports & set(listening_ports()), END_TIMEOUT_SECONDS, "every port closing")


@pytest.fixture(scope="module")
def next_cli(killed_cli, tmp_path_factory):
    """A second `phenom-stack up` in the killed run's TMPDIR, once ready: (process, document, stderr path)."""
    _, _, _, tmpdir = killed_cli
    stderr_path = tmp_path_factory.mktemp("next-cli") / "stderr.txt"
    with phenom_stack_up("hermetic", tmpdir, stderr_path, READY_TIMEOUT_SECONDS) as (process, document):
        yield process, document, stderr_path


def test_the_next_start_removes_what_a_killed_run_left(killed_cli, next_cli):
    _, _, killed_dirs, tmpdir = killed_cli
    process, _, _ = next_cli
    assert [path for path in killed_dirs if path.exists()] == []
    # Its own dirs are there, and are not taken for leftovers.
    assert stack_dirs(tmpdir, process.pid)


def test_a_part_that_cannot_be_restarted_stops_the_stack_naming_it(killed_cli, next_cli):
    _, _, killed_dirs, tmpdir = killed_cli
    process, document, stderr_path = next_cli
    children = descendants(process.pid)
    # WHEN moto (whose pools, users and objects would be lost with it) is killed
    StackParts(LocalStack.from_json(json.dumps(document))).kill("moto")
    # THEN the stack stops with exit code 1 and a message naming moto, leaving no process and no temp dir
    assert process.wait(timeout=END_TIMEOUT_SECONDS) == 1
    assert "moto exited with code -9 and cannot be restarted" in stderr_path.read_text()
    wait_for(lambda: not any(running(pid) for pid in children), END_TIMEOUT_SECONDS, "every part ending")
    assert stack_dirs(tmpdir, process.pid) == set()
