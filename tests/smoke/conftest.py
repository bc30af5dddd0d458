"""Fixtures of the round-trip: a client for the selected environment, with its attempts attached to the steps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from phenom_client.client import PhenomClient
from phenom_client.credentials import SmokeCredentials
from phenom_client.environments import EnvConfig


@pytest.fixture
def phenom_client(phenom_env: EnvConfig, smoke_credentials: SmokeCredentials) -> Iterator[PhenomClient]:
    """A signed-out PhenomClient for the selected environment and smoke user, closed after the test."""
    with PhenomClient(phenom_env, smoke_credentials) as client:
        yield client
