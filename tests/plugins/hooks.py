"""Every pytest hook of the suite, in one place; each delegates to the plugin module that owns the concern."""

from __future__ import annotations

import gc
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from tests.plugins import environment, infra, load, options, reporting, selection, shared_stack, stack


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    # Imports and collection allocate long-lived objects by the hundred thousand and leave no garbage worth a
    # collection: the cyclic collector stays off until collection ends (it was a seventh of `-m smoke`'s CPU).
    gc.disable()
    environment.configure(config)
    reporting.configure(config)
    selection.configure(config)
    shared_stack.configure_controller(config)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    shared_stack.configure_worker(node.config, node)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    return shared_stack.auto_workers()


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    return selection.ignore(collection_path, config)


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [*environment.header_lines(config), stack.header_line(config)]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # trylast: -m has deselected by now, so only what will run is checked.
    environment.refuse_cloud_contracts(config, items)
    stack.skip_docker_tests(items)
    infra.run_applied_tests_last(items)
    shared_stack.group_exclusive_tests(items)


def pytest_collection_finish(session: pytest.Session) -> None:
    infra.start_if_needed(session)
    # What imports and collection made lives until the end: out of the collector's sight, pytest's closing
    # gc.collect (for unraisable exceptions) no longer walks boto3's and graphql's object graphs.
    gc.freeze()
    gc.enable()
    stack.start_if_needed(session)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    # pytest-xdist's controller collects nothing, so collection_finish never turns its collector back on.
    gc.enable()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, Any]:
    with shared_stack.stores_held(item, nextitem, stack.needs_stack(item.config, item)):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    reporting.record_setup_error(item, call, report)
    return report


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    reporting.write_summary(terminalreporter, config)
    load.write_summary(terminalreporter, config)


def pytest_sessionfinish(session: pytest.Session) -> None:
    reporting.write_report(session)
    reporting.publish_metrics(session)


def pytest_unconfigure(config: pytest.Config) -> None:
    stack.stop(config)
    infra.stop(config)
    shared_stack.stop(config)
