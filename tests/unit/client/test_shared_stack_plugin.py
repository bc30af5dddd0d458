"""Under pytest-xdist: how many workers `-n auto` starts, and the stores' lock the tests of the shared stack share."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from tests.plugins import shared_stack

pytestmark = pytest.mark.unit

WAIT_SECONDS = 5.0


def worker_item(shared, exclusive: bool = False, fixtures: tuple[str, ...] = ()):
    """A test item as a worker of a run sharing its stack through the folder `shared` sees it."""
    config = SimpleNamespace(workerinput={shared_stack.WORKER_INPUT_KEY: str(shared)})
    marker = object() if exclusive else None
    return SimpleNamespace(config=config, fixturenames=list(fixtures), get_closest_marker=lambda name: marker)


def run_in_thread(item, uses_stack: bool, nextitem=None) -> tuple[threading.Event, threading.Event, threading.Thread]:
    """Enter stores_held(item) on a thread: (entered, release, thread); the thread leaves once release is set."""
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with shared_stack.stores_held(item, nextitem, uses_stack):
            entered.set()
            release.wait(WAIT_SECONDS)

    thread = threading.Thread(target=hold)
    thread.start()
    return entered, release, thread


@pytest.mark.parametrize(
    "exclusive_by", [{"exclusive": True}, {"fixtures": ("store_changes",)}], ids=["marker", "store_changes"]
)
def test_an_exclusive_test_waits_for_a_running_stack_test(tmp_path, exclusive_by):
    # GIVEN one worker inside a test of the shared stack
    entered, release, thread = run_in_thread(worker_item(tmp_path), uses_stack=True)
    assert entered.wait(WAIT_SECONDS)
    # WHEN another worker starts a test that reads a snapshot of the stores (marked, or through store_changes)
    exclusive_entered, exclusive_release, exclusive = run_in_thread(worker_item(tmp_path, **exclusive_by), True)
    # THEN it waits until that test is over
    assert not exclusive_entered.wait(0.2)
    release.set()
    assert exclusive_entered.wait(WAIT_SECONDS)
    exclusive_release.set()
    for each in (thread, exclusive):
        each.join(WAIT_SECONDS)


def test_tests_of_the_stack_run_side_by_side(tmp_path):
    first = run_in_thread(worker_item(tmp_path), uses_stack=True)
    second = run_in_thread(worker_item(tmp_path), uses_stack=True)
    assert first[0].wait(WAIT_SECONDS) and second[0].wait(WAIT_SECONDS)
    for _, release, thread in (first, second):
        release.set()
        thread.join(WAIT_SECONDS)


def test_a_test_without_the_stack_neither_waits_for_nor_holds_up_an_exclusive_one(tmp_path):
    # GIVEN an exclusive test running on one worker
    exclusive = run_in_thread(worker_item(tmp_path, exclusive=True), uses_stack=True)
    assert exclusive[0].wait(WAIT_SECONDS)
    # WHEN another worker runs a test that does not use the shared stack (Terraform, say)
    # THEN it runs at once, and takes no lock: another exclusive test can still come in after the first
    other = run_in_thread(worker_item(tmp_path), uses_stack=False)
    assert other[0].wait(WAIT_SECONDS)
    exclusive[1].set()
    exclusive[2].join(WAIT_SECONDS)
    second_exclusive = run_in_thread(worker_item(tmp_path, exclusive=True), uses_stack=True)
    assert second_exclusive[0].wait(WAIT_SECONDS)
    for _, release, thread in (other, second_exclusive):
        release.set()
        thread.join(WAIT_SECONDS)


def test_outside_xdist_nothing_is_locked():
    # GIVEN two exclusive tests in a run without workers (no shared folder)
    alone = SimpleNamespace(config=SimpleNamespace(), fixturenames=["store_changes"], get_closest_marker={}.get)
    first, second = run_in_thread(alone, uses_stack=True), run_in_thread(alone, uses_stack=True)
    # THEN neither waits for the other
    assert first[0].wait(WAIT_SECONDS) and second[0].wait(WAIT_SECONDS)
    for _, release, thread in (first, second):
        release.set()
        thread.join(WAIT_SECONDS)


def test_a_worker_keeps_the_lock_from_one_exclusive_test_to_the_next(tmp_path):
    # GIVEN a worker running an exclusive test whose next test is exclusive too
    first, then = worker_item(tmp_path, exclusive=True), worker_item(tmp_path, exclusive=True)
    entered, release, thread = run_in_thread(first, uses_stack=True, nextitem=then)
    assert entered.wait(WAIT_SECONDS)
    # AND another worker waiting to start a test of the stack
    waiting_entered, waiting_release, waiting = run_in_thread(worker_item(tmp_path), uses_stack=True)
    # WHEN the first exclusive test ends
    release.set()
    thread.join(WAIT_SECONDS)
    # THEN the other worker still waits: the next exclusive test runs first, and only after it does the other
    assert not waiting_entered.wait(0.2)
    next_entered, next_release, next_thread = run_in_thread(then, uses_stack=True)
    assert next_entered.wait(WAIT_SECONDS)
    assert not waiting_entered.is_set()
    next_release.set()
    next_thread.join(WAIT_SECONDS)
    assert waiting_entered.wait(WAIT_SECONDS)
    waiting_release.set()
    waiting.join(WAIT_SECONDS)


def test_the_exclusive_tests_are_one_group_and_other_groups_are_kept():
    markers = []

    def item(exclusive: bool, group: str | None = None):
        own = {"exclusive_stack": object()} if exclusive else {}
        if group:
            own["xdist_group"] = group
        return SimpleNamespace(fixturenames=[], get_closest_marker=own.get, add_marker=markers.append)

    shared_stack.group_exclusive_tests([item(True), item(False), item(True, group="applied")])
    assert [mark.kwargs.get("name", mark.args[0] if mark.args else None) for mark in markers] == [
        shared_stack.EXCLUSIVE_GROUP
    ]


@pytest.mark.parametrize(("cores", "workers"), [(1, 1), (2, 3), (8, 9)])
def test_auto_starts_a_worker_more_than_the_cores(monkeypatch, cores, workers):
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    monkeypatch.setattr(shared_stack.os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    assert shared_stack.auto_workers() == workers


def test_auto_leaves_the_count_to_xdist_when_its_variable_says_it(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "5")
    assert shared_stack.auto_workers() is None


def test_a_stack_that_ended_is_gone_though_nobody_reaped_it_yet(monkeypatch):
    # GIVEN the shared stack, started by a worker that has exited, ending on SIGTERM: init's to reap, not ours
    signals, states = [], iter([True, True, False])
    monkeypatch.setattr(shared_stack.os, "kill", lambda pid, sig: signals.append(sig))
    monkeypatch.setattr(shared_stack.os, "waitpid", lambda pid, options: (_ for _ in ()).throw(ChildProcessError()))
    monkeypatch.setattr(shared_stack, "running", lambda pid: next(states))
    monkeypatch.setattr(shared_stack.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(shared_stack.os, "killpg", lambda pid, sig: signals.append(("killpg", sig)))
    # WHEN the controller stops it
    shared_stack._terminate(4242)
    # THEN it waited until the process ended (a zombie counts as ended), and killed nothing
    assert signals == [shared_stack.signal.SIGTERM]
    assert next(states, "drained") == "drained"
