"""The client's boto3 clients: region, endpoint, time limits and attempts per call, as they reach a real loopback server."""

from __future__ import annotations

import dataclasses
import re

import pytest
from botocore.exceptions import ClientError

from phenom_client.auth import cognito_client
from phenom_client.aws import client_for
from phenom_client.credentials import secretsmanager_client
from phenom_client.timeouts import Timeouts
from tests.kit.loopback_http import Reply

pytestmark = pytest.mark.unit

UNAVAILABLE = Reply(503, {"__type": "ServiceUnavailableException", "message": "try later"})


@pytest.fixture
def fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Made-up AWS credentials, so signed calls can be sent to the loopback server."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def emulated_env(test_env, scripted_server):
    """The unit environment with its AWS endpoint at the scripted server, in another region than the default."""
    return dataclasses.replace(test_env, region="eu-west-2", aws_endpoint_url=scripted_server.url)


def test_the_default_time_limits_wait_longer_for_a_read_than_hasura_gives_an_action():
    assert Timeouts() == Timeouts(connect_seconds=5.0, read_seconds=35.0)
    assert Timeouts(connect_seconds=2, read_seconds=7).requests == (2, 7)


@pytest.mark.parametrize(
    ("timeouts", "connect", "read"), [(None, 5.0, 35.0), (Timeouts(1.5, 9.0), 1.5, 9.0)], ids=["default", "given"]
)
def test_a_client_is_in_the_envs_region_at_its_endpoint_within_the_time_limits(emulated_env, timeouts, connect, read):
    client = client_for("s3", emulated_env, total_max_attempts=4, timeouts=timeouts)
    assert (client.meta.region_name, client.meta.endpoint_url) == ("eu-west-2", emulated_env.aws_endpoint_url)
    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (connect, read)
    assert client.meta.config.retries["total_max_attempts"] == 4


def test_a_cloud_env_client_goes_to_aws_itself(test_env):
    client = client_for("secretsmanager", test_env, total_max_attempts=1)
    assert client.meta.endpoint_url == "https://secretsmanager.us-east-1.amazonaws.com"


def test_cognito_calls_are_tried_once_each_and_carry_a_traceparent(emulated_env, scripted_server):
    # GIVEN a Cognito that is unavailable: botocore would retry a 503 on its own
    scripted_server.queue("POST", "/", UNAVAILABLE, UNAVAILABLE, UNAVAILABLE)
    client = cognito_client(emulated_env, Timeouts(connect_seconds=2, read_seconds=3))
    with pytest.raises(ClientError):
        client.initiate_auth(ClientId="unit-client", AuthFlow="USER_PASSWORD_AUTH", AuthParameters={})
    # THEN one request went out, traced, and the client waits as long as told
    [request] = scripted_server.requests
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", request.headers["traceparent"])
    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (2, 3)


def test_a_secret_read_is_tried_twice_at_most(emulated_env, scripted_server, fake_aws_credentials):
    scripted_server.queue("POST", "/", UNAVAILABLE, UNAVAILABLE, UNAVAILABLE)
    with pytest.raises(ClientError):
        secretsmanager_client(emulated_env).get_secret_value(SecretId="phenom-unit-smoke-credentials")
    assert scripted_server.count("POST", "/") == 2
    assert "eu-west-2" in scripted_server.requests[0].headers["authorization"]
