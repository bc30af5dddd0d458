"""Client side of the Lambda Invoke API (RequestResponse) as the local Lambda hosts serve it."""

from __future__ import annotations

import json
from urllib.parse import quote

INVOKE_PATH = "/2015-03-31/functions/{name}/invocations"


class FunctionError(Exception):
    """The function raised (Lambda's X-Amz-Function-Error); the message is the function's errorMessage."""

    def __init__(self, function_name: str, error_type: str, error_message: str) -> None:
        super().__init__(f"{function_name} failed with {error_type}: {error_message}")
        self.error_type = error_type
        self.error_message = error_message


def invoke_url(host_url: str, function_name: str) -> str:
    """The Invoke API URL of function_name on the host at host_url."""
    return host_url.rstrip("/") + INVOKE_PATH.format(name=quote(function_name, safe=""))


def invoke(url: str, function_name: str, event: dict, timeout: float) -> object:
    """POST the event to the Invoke API URL and return the function's result; raise FunctionError if it raised."""
    # Imported here: the stack and the Lambda hosts use only the URLs above, and start sooner without requests.
    import requests

    response = requests.post(url, data=json.dumps(event), headers={"content-type": "application/json"}, timeout=timeout)
    response.raise_for_status()
    payload = response.json()
    if response.headers.get("x-amz-function-error"):
        raise FunctionError(function_name, payload.get("errorType", "Unknown"), payload.get("errorMessage", ""))
    return payload
