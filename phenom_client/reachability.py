"""Whether a failed HTTP request ever reached its server: DNS, a refused or a timed-out connect got no byte back."""

from __future__ import annotations

import requests
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError
from urllib3.exceptions import NewConnectionError


def requests_never_answered(error: BaseException) -> bool:
    """True for a requests error raised before the connection was made (NameResolutionError is a NewConnectionError)."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if not isinstance(error, requests.ConnectionError) or not error.args:
        return False
    reason = getattr(error.args[0], "reason", error.args[0])
    return isinstance(reason, NewConnectionError)


def botocore_never_answered(error: BaseException) -> bool:
    """True for a botocore error raised before the connection was made (botocore reports DNS failures the same way)."""
    return isinstance(error, (EndpointConnectionError, ConnectTimeoutError))
