"""The suite's session hooks (tests/plugins/hooks.py) leave the test process as tests expect to find it."""

from __future__ import annotations

import gc
import os

import pytest

from tests.plugins import shared_stack

pytestmark = pytest.mark.unit


def test_the_cyclic_collector_runs_again_once_collection_is_over():
    # GIVEN a session whose hooks switched the collector off for imports and collection
    # WHEN a test runs
    # THEN the collector is back on, and what collection made is frozen out of its sight
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_n_auto_starts_two_workers_per_core(monkeypatch):
    # GIVEN no PYTEST_XDIST_AUTO_NUM_WORKERS
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    # THEN -n auto starts two workers for each core this process may run on
    assert shared_stack.auto_workers() == 2 * len(os.sched_getaffinity(0))


def test_n_auto_leaves_an_explicit_worker_count_to_xdist(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "3")
    assert shared_stack.auto_workers() is None
