"""The suite's session hooks (tests/plugins/hooks.py) leave the test process as tests expect to find it."""

from __future__ import annotations

import gc

import pytest

pytestmark = pytest.mark.unit


def test_the_cyclic_collector_runs_again_once_collection_is_over():
    # GIVEN a session whose hooks switched the collector off for imports and collection
    # WHEN a test runs
    # THEN the collector is back on, and what collection made is frozen out of its sight
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
