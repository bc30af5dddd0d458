"""The -m shortcut (tests/plugins/selection.py) drops no test: the same node ids are selected with it and without it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.unit.client.test_environment_plugin import run_pytest

pytestmark = pytest.mark.unit

EXPRESSIONS = ("smoke", "contract", "unit", "not load", "unit or smoke")


def selected_node_ids(expression: str, *extra: str) -> list[str]:
    """The node ids `pytest -m expression --collect-only` selects, in collection order."""
    finished = run_pytest("-m", expression, "--collect-only", "-q", *extra)
    assert finished.returncode in (0, 5), finished.stdout + finished.stderr
    return [line for line in finished.stdout.splitlines() if "::" in line]


@pytest.fixture(scope="module")
def collections() -> dict[tuple[str, bool], list[str]]:
    """Each expression's selection with the shortcut (False) and with --collect-everything (True)."""
    runs = [(expression, everything) for expression in EXPRESSIONS for everything in (False, True)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda run: selected_node_ids(run[0], *(["--collect-everything"] if run[1] else [])), runs)
        return dict(zip(runs, results, strict=True))


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_the_shortcut_selects_exactly_what_full_collection_selects(collections, expression):
    # GIVEN the selection of a full collection (every module imported, then deselected by -m)
    everything = collections[(expression, True)]
    # WHEN the same -m runs with the shortcut (modules that cannot hold a selected test are not imported)
    shortcut = collections[(expression, False)]
    # THEN the same tests are selected, in the same order
    assert shortcut == everything


def test_a_smoke_selection_imports_only_the_smoke_modules():
    # GIVEN -m smoke, whose tests are all under tests/smoke
    # WHEN pytest collects with the shortcut and lists the conftest plugins it loaded
    finished = run_pytest("-m", "smoke", "--collect-only", "-q", "--trace-config")
    conftests = sorted({line.split("'")[1] for line in finished.stdout.splitlines() if "conftest' from" in line})
    # THEN no other folder's conftest (and so none of its test modules) was imported
    assert conftests == ["conftest", "tests.smoke.conftest"], conftests
