"""Whether a failed request reached its server: only a failure before the connection was made says "unreached"."""

from __future__ import annotations

import pytest
import requests
from botocore.exceptions import ConnectionClosedError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from phenom_client.reachability import botocore_never_answered, requests_never_answered
from tests.kit.loopback_http import LoopbackServer

pytestmark = pytest.mark.unit


def refused_connection() -> requests.ConnectionError:
    """The error requests raises for a port nobody listens on any more."""
    server = LoopbackServer()
    url = server.url
    server.close()
    with pytest.raises(requests.ConnectionError) as failure:
        requests.get(url, timeout=5)
    return failure.value


def test_a_refused_connection_never_reached_the_server():
    assert requests_never_answered(refused_connection())


@pytest.mark.parametrize(
    ("error", "unreached"),
    [
        (requests.ConnectTimeout(), True),
        (requests.ConnectionError(NewConnectionError(None, "refused")), True),
        (requests.ConnectionError(MaxRetryError(None, "/", reason=NewConnectionError(None, "refused"))), True),
        (requests.ConnectionError(MaxRetryError(None, "/", reason=ProtocolError("connection reset"))), False),
        (requests.ConnectionError("connection aborted"), False),
        (requests.ConnectionError(), False),
        (requests.ReadTimeout(), False),
        (ValueError(NewConnectionError(None, "not a requests error")), False),
    ],
    ids=[
        "connect-timeout",
        "new-connection-error",
        "retries-of-a-new-connection-error",
        "reset-after-connecting",
        "message-only",
        "no-arguments",
        "read-timeout",
        "not-requests",
    ],
)
def test_only_failures_before_connecting_are_unreached_for_requests(error, unreached):
    assert requests_never_answered(error) is unreached


@pytest.mark.parametrize(
    ("error", "unreached"),
    [
        (EndpointConnectionError(endpoint_url="https://cognito-idp.us-east-1.amazonaws.com/"), True),
        (ConnectTimeoutError(endpoint_url="https://cognito-idp.us-east-1.amazonaws.com/"), True),
        (ReadTimeoutError(endpoint_url="https://cognito-idp.us-east-1.amazonaws.com/"), False),
        (ConnectionClosedError(endpoint_url="https://cognito-idp.us-east-1.amazonaws.com/"), False),
    ],
    ids=["refused", "connect-timeout", "read-timeout", "closed"],
)
def test_only_failures_before_connecting_are_unreached_for_botocore(error, unreached):
    assert botocore_never_answered(error) is unreached
