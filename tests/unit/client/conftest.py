"""Fixtures of the smoke suite's unit tests: a scripted HTTP server, a stubbed Cognito and a plain C locale."""

from __future__ import annotations

import locale
from collections.abc import Iterator

import boto3
import pytest
from botocore.stub import Stubber

from phenom_client.credentials import SmokeCredentials
from phenom_client.environments import EnvConfig
from tests.kit.loopback_http import LoopbackServer

FAKE_PASSWORD = "correct-horse-battery-staple"  # a made-up password for stubbed Cognito only
FAKE_ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzbW9rZSJ9.c2lnbmF0dXJl"


@pytest.fixture
def scripted_server() -> Iterator[LoopbackServer]:
    """A loopback HTTP server answering from a per-test script of queued replies."""
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def test_env(scripted_server: LoopbackServer) -> EnvConfig:
    """An environment whose GraphQL endpoint is the scripted server."""
    return EnvConfig(
        name="unit",
        region="us-east-1",
        graphql_url=f"{scripted_server.url}/v1/graphql",
        user_pool_id="us-east-1_unit",
        client_id="unit-client",
        smoke_username="smoke@example.com",
        smoke_secret_id="phenom-unit-smoke-credentials",
    )


@pytest.fixture
def test_credentials() -> SmokeCredentials:
    """Made-up smoke credentials."""
    return SmokeCredentials("smoke@example.com", FAKE_PASSWORD, "PHENOM_SMOKE_PASSWORD")


@pytest.fixture
def stubbed_cognito() -> Iterator[tuple[object, Stubber]]:
    """A cognito-idp client whose answers come from a botocore Stubber (no network)."""
    client = boto3.client("cognito-idp", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def c_locale() -> Iterator[None]:
    """The process's LC_CTYPE set to plain C (ASCII), as on a runner without a UTF-8 locale, restored afterwards."""
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
