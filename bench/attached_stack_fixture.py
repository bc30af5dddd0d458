"""The `local_stack` fixture that attached_stack.py registers after the suite's own: the stack named by --attached-stack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stack_process import local_stack_from
from tests.stack.endpoints import LocalStack


@pytest.fixture(scope="session")
def local_stack(request: pytest.FixtureRequest) -> LocalStack:
    """The running stack described by --attached-stack; neither started nor stopped here."""
    return local_stack_from(json.loads(Path(request.config.getoption("--attached-stack")).read_text()))
