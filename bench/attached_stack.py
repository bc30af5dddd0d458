"""pytest plugin for the benchmarks: run the suite against an already running `phenom-stack up --json`.

    PYTHONPATH=bench python -m pytest -p attached_stack --attached-stack=PATH -m smoke --env local

PATH holds the JSON line the stack printed. The suite's own `local_stack` fixture always starts a stack, which would
put the stack's start into every timed run. This plugin imports attached_stack_fixture.py after the suite's
plugins, so its session fixture of the same name, which returns the running stack, is the one pytest uses (the
fixture registered last wins). Nothing is started or stopped. Until the stack offers a way to attach to a running
stack, the benchmarks use this.

Write the option as one word with `=`: pytest looks for its rootdir (and pytest.ini) before it loads `-p` plugins,
so a separate PATH word would be taken for a test path.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("phenom").addoption(
        "--attached-stack", metavar="PATH", default=None,
        help="use the running stack whose `phenom-stack up --json` line is in PATH instead of starting one",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--attached-stack"):
        # Imported only now, after the suite's plugins, so that its `local_stack` is the one registered last.
        config.pluginmanager.import_plugin("attached_stack_fixture")

