"""The Lambda host behaves like AWS around a handler: Function URL requests become payload 2.0 events and results
become the responses a Function URL sends; the Invoke API reports function errors like Lambda; and each function
runs with exactly Terraform's variables plus what the runtime sets. Both enforce Lambda's 6 MB payload quotas and
read no more of an oversized body than the quota before refusing it.

A probe handler (function_url_probe.py) stands in for the real Lambdas, so these checks do not depend on them.
"""

from __future__ import annotations

import base64
import importlib
import json
from contextlib import ExitStack

import pytest
import requests

from lambdas.registry import LAMBDAS, RUNTIME_ENVIRONMENT, LambdaFunction
from phenom_stack.lambda_host import MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES
from phenom_stack.lambda_processes import plan_lambda_hosts, runtime_environment, start_lambda_hosts

pytestmark = pytest.mark.contract

TIMEOUT_SECONDS = 10
PROBE = LambdaFunction(
    package="function_url_probe",
    name_suffix="function-url-probe",
    handler="tests.contract.function_url_probe.handler",
    environment=("APP_SECRETS_ID",),
    function_url=True,
    timeout_seconds=3,
)
PROBE_NAME = "phenom-local-function-url-probe"
PROBE_DEPLOYMENT = {"APP_SECRETS_ID": "phenom-local-app-secrets"}
PROBE_AWS_ENDPOINT = "http://127.0.0.1:9"
# Another loopback address (all of 127/8 is loopback on Linux), standing in for the docker bridge's gateway.
SECOND_ADDRESS = "127.0.0.2"
# Variables the Lambda runtime (or the local stand-in for it) sets besides Terraform's.
RUNTIME_VARIABLES = {
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "PATH",
    "LANG",
    "TZ",
    "PYTHONPATH",
    "PYTHONUNBUFFERED",
}


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """The probe handler behind a Lambda host with a Function URL, also served on SECOND_ADDRESS."""
    with ExitStack() as cleanup:
        host = plan_lambda_hosts((PROBE,), tmp_path_factory.mktemp("probe-host"))[PROBE]
        start_lambda_hosts((host,), PROBE_DEPLOYMENT, PROBE_AWS_ENDPOINT, (SECOND_ADDRESS,), cleanup)
        yield host


def echo(probe, path: str = "/", **request) -> dict:
    response = requests.request(
        request.pop("method", "GET"), probe.function_url.rstrip("/") + path, timeout=TIMEOUT_SECONDS, **request
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_function_url_answers_at_the_same_port_on_each_address_asked_for(probe):
    # As the docker stack's engine calls the action handler at the bridge's gateway while the tests use 127.0.0.1
    for address in ("127.0.0.1", SECOND_ADDRESS):
        response = requests.get(f"http://{address}:{probe.port}/via", timeout=TIMEOUT_SECONDS)
        assert response.status_code == 200, response.text
        assert response.json()["event"]["rawPath"] == "/via"


def test_request_becomes_payload_2_0_event(probe):
    # WHEN a GET with a query string reaches the Function URL
    seen = echo(probe, "/a/b", params=[("a", "1"), ("a", "2"), ("b", "x")], headers={"X-Custom": "v"})
    event = seen["event"]
    # THEN the handler gets the 2.0 event: lowercase headers, raw and parsed query, request context
    assert (event["version"], event["routeKey"], event["rawPath"]) == ("2.0", "$default", "/a/b")
    assert event["rawQueryString"] == "a=1&a=2&b=x"
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x"}
    assert event["headers"]["x-custom"] == "v"
    assert all(name == name.lower() for name in event["headers"])
    http = event["requestContext"]["http"]
    assert (http["method"], http["path"], http["sourceIp"]) == ("GET", "/a/b", "127.0.0.1")
    assert event["requestContext"]["requestId"] == seen["context"]["aws_request_id"]
    assert isinstance(event["requestContext"]["timeEpoch"], int)
    assert event["isBase64Encoded"] is False and "body" not in event


def test_cookies_arrive_in_cookies_not_headers(probe):
    event = echo(probe, headers={"Cookie": "a=1; b=2"})["event"]
    assert event["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in event["headers"]


def test_json_body_arrives_as_text(probe):
    event = echo(probe, method="POST", json={"action": {"name": "getPhenoms"}})["event"]
    assert event["isBase64Encoded"] is False
    assert json.loads(event["body"]) == {"action": {"name": "getPhenoms"}}


def test_binary_body_arrives_base64_encoded(probe):
    event = echo(probe, method="POST", data=b"\x00\xff", headers={"Content-Type": "application/octet-stream"})["event"]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x00\xff"


def test_context_carries_name_and_remaining_time(probe):
    context = echo(probe)["context"]
    assert context["function_name"] == PROBE_NAME
    assert 0 < context["remaining_ms"] <= PROBE.timeout_seconds * 1000


def test_result_without_status_code_becomes_200_json(probe):
    response = requests.get(probe.function_url, timeout=TIMEOUT_SECONDS)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"


def test_string_result_becomes_json_string(probe):
    response = requests.get(probe.function_url + "string", timeout=TIMEOUT_SECONDS)
    assert (response.status_code, response.json()) == (200, "plain string")


def test_structured_result_is_sent_as_given(probe):
    response = requests.get(probe.function_url + "structured", timeout=TIMEOUT_SECONDS)
    assert response.status_code == 409
    assert response.headers["x-probe"] == "yes"
    assert response.json() == {"message": "conflict"}
    assert response.headers["set-cookie"] == "probe=1; Path=/"


def test_base64_result_is_decoded(probe):
    response = requests.get(probe.function_url + "binary", timeout=TIMEOUT_SECONDS)
    assert response.content == b"\x00\x01\xff"


def test_unhandled_exception_becomes_bare_502(probe):
    response = requests.get(probe.function_url + "raise", timeout=TIMEOUT_SECONDS)
    assert (response.status_code, response.text) == (502, "Internal Server Error")


def test_invoke_api_returns_the_result(probe):
    response = requests.post(probe.invoke_url, data=json.dumps({"k": "v"}), timeout=TIMEOUT_SECONDS)
    assert response.status_code == 200
    assert "x-amz-function-error" not in response.headers
    assert response.json()["event"] == {"k": "v"}


def test_invoke_api_reports_function_errors_like_lambda(probe):
    response = requests.post(probe.invoke_url, data=json.dumps({"raise": True}), timeout=TIMEOUT_SECONDS)
    assert response.status_code == 200
    assert response.headers["x-amz-function-error"] == "Unhandled"
    assert (response.json()["errorType"], response.json()["errorMessage"]) == ("RuntimeError", "probe asked to fail")


def test_invoke_api_refuses_other_function_names(probe):
    other = probe.invoke_url.replace(PROBE_NAME, "phenom-local-someone-else")
    assert requests.post(other, data="{}", timeout=TIMEOUT_SECONDS).status_code == 404


def test_handler_sees_exactly_terraform_and_runtime_variables(probe):
    # GIVEN the probe's Terraform variables  THEN nothing of the test process's environment leaks in
    assert set(echo(probe)["environment"]) == set(PROBE.environment) | RUNTIME_VARIABLES


@pytest.mark.parametrize("function", LAMBDAS, ids=lambda function: function.package)
def test_each_lambda_gets_what_its_config_reads(function, monkeypatch):
    # GIVEN the variables the stack gives the function, and no other variable any Lambda reads
    deployment = dict.fromkeys(
        ("APP_SECRETS_ID", "MEDIA_BUCKET", "HASURA_GRAPHQL_URL", "COGNITO_USER_POOL_ID", "COGNITO_APP_CLIENT_ID"), "set"
    )
    given = runtime_environment(function, deployment, PROBE_AWS_ENDPOINT)
    for name in {name for other in LAMBDAS for name in other.environment} | RUNTIME_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    # THEN they are Terraform's plus the runtime's, and the function's config module loads from them
    assert set(given) - RUNTIME_VARIABLES == set(function.environment)
    assert RUNTIME_ENVIRONMENT | set(function.optional_environment) <= set(given)
    assert importlib.import_module(function.handler.rsplit(".", 2)[0] + ".config").load_config()


# Lambda's payload quotas.
_MEGABYTE = b"x" * (1024 * 1024)


def _post(url: str, data, content_type: str = "text/plain") -> requests.Response:
    return requests.post(url, data=data, headers={"content-type": content_type}, timeout=TIMEOUT_SECONDS)


def test_a_body_within_the_quota_reaches_the_function(probe):
    response = _post(probe.function_url + "size", b"x" * (5 * 1024 * 1024))
    assert response.status_code == 200
    assert response.json() == {"body_length": 5 * 1024 * 1024, "isBase64Encoded": False}


def test_a_body_over_the_quota_is_413(probe):
    response = _post(probe.function_url + "size", b"x" * (MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413
    assert response.headers["x-amzn-errortype"] == "RequestEntityTooLargeException"


def test_a_chunked_body_over_the_quota_is_413(probe):
    chunks = (_MEGABYTE for _ in range(7))
    assert _post(probe.function_url + "size", chunks).status_code == 413


def test_a_binary_body_whose_base64_event_exceeds_the_quota_is_413(probe):
    # 5 MB of bytes become about 6.7 MB of base64 in the event.
    response = _post(probe.function_url + "size", b"\x00" * (5 * 1024 * 1024), "application/octet-stream")
    assert response.status_code == 413


def test_a_response_over_the_quota_is_a_bare_502(probe):
    response = requests.get(probe.function_url + f"large?bytes={MAX_RESPONSE_BYTES + 1}", timeout=TIMEOUT_SECONDS)
    assert (response.status_code, response.text) == (502, "Internal Server Error")


def test_a_response_within_the_quota_is_sent(probe):
    response = requests.get(probe.function_url + "large?bytes=4000000", timeout=TIMEOUT_SECONDS)
    assert (response.status_code, len(response.content)) == (200, 4_000_000)


def test_invoke_api_refuses_an_oversized_payload(probe):
    response = _post(probe.invoke_url, json.dumps({"blob": "x" * MAX_REQUEST_BYTES}), "application/json")
    assert response.status_code == 413
    assert response.headers["x-amzn-errortype"] == "RequestEntityTooLargeException"
