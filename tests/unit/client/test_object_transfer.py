"""PUT and GET against presigned URLs: what a refusal, no answer or an unsendable request reads like, and the limits
and session every transfer runs with."""

from __future__ import annotations

import pytest
import requests

from phenom_client.errors import TransferFailed
from phenom_client.timeouts import Timeouts
from phenom_client.transfer import ObjectTransfer
from tests.kit.loopback_http import DROP, Reply

pytestmark = pytest.mark.unit

KEY = "/bucket/key"


def s3_error(code: str) -> str:
    return f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>no</Message></Error>"


@pytest.fixture
def transfer():
    """An ObjectTransfer with short limits, closed after the test."""
    moving = ObjectTransfer(Timeouts(connect_seconds=2.0, read_seconds=0.3))
    yield moving
    moving.close()


def test_get_returns_the_body_and_put_sends_the_bytes(transfer, scripted_server):
    scripted_server.queue("GET", KEY, Reply(200, b"\x00bytes", "application/octet-stream"))
    scripted_server.queue("PUT", KEY, Reply(200))
    assert transfer.get(f"{scripted_server.url}{KEY}") == b"\x00bytes"
    transfer.put(f"{scripted_server.url}{KEY}", b"sent")
    assert [(request.method, request.body) for request in scripted_server.requests] == [
        ("GET", b""),
        ("PUT", b"sent"),
    ]


@pytest.mark.parametrize(
    ("reply", "message", "transient"),
    [
        (Reply(403, s3_error("AccessDenied"), "application/xml"), "returned 403 AccessDenied", False),
        (Reply(403, "", "text/plain"), "returned 403 Forbidden", False),
        (Reply(503, s3_error("SlowDown"), "application/xml"), "returned 503 SlowDown", True),
        (Reply(502, "", "text/plain"), "returned 502 Bad Gateway", True),
        (Reply(599, "", "text/plain"), "returned 599", False),
    ],
    ids=["s3-code", "http-reason", "s3-throttle", "gateway", "no-reason"],
)
@pytest.mark.parametrize("method", ["PUT", "GET"])
def test_a_refusal_names_the_method_the_status_and_s3s_code_or_the_reason(
    transfer, scripted_server, method, reply, message, transient
):
    scripted_server.queue(method, KEY, reply)
    with pytest.raises(TransferFailed) as failure:
        if method == "PUT":
            transfer.put(f"{scripted_server.url}{KEY}", b"bytes")
        else:
            transfer.get(f"{scripted_server.url}{KEY}")
    assert str(failure.value) == f"{method} {message}"
    assert (failure.value.status, failure.value.transient, failure.value.unreached) == (
        reply.status,
        transient,
        False,
    )


@pytest.mark.parametrize(("padding", "shown"), [(4096 - 34, "SignatureDoesNotMatch"), (4096 - 33, "Forbidden")])
def test_s3s_error_code_is_read_from_the_first_4096_characters_of_the_body(transfer, scripted_server, padding, shown):
    # GIVEN a 34-character <Code> element ending on the body's 4096th character, or on the 4097th
    body = " " * padding + "<Code>SignatureDoesNotMatch</Code>"
    scripted_server.queue("GET", KEY, Reply(403, body, "application/xml"))
    # WHEN the GET is refused
    with pytest.raises(TransferFailed) as failure:
        transfer.get(f"{scripted_server.url}{KEY}")
    # THEN the code is named only when it lies within the part of the body read
    assert str(failure.value) == f"GET returned 403 {shown}"


def test_a_dropped_connection_is_a_transient_failure_that_reached_the_server(transfer, scripted_server):
    scripted_server.queue("GET", KEY, DROP)
    with pytest.raises(TransferFailed) as failure:
        transfer.get(f"{scripted_server.url}{KEY}?X-Amz-Signature=deadbeefcafe")
    assert str(failure.value).startswith("GET got no answer: ConnectionError: ")
    assert "deadbeefcafe" not in str(failure.value)
    assert (failure.value.status, failure.value.transient, failure.value.unreached) == (None, True, False)


def test_an_answer_slower_than_the_read_timeout_is_a_transient_failure(transfer, scripted_server):
    scripted_server.queue("PUT", KEY, Reply(200, held=True))
    with pytest.raises(TransferFailed) as failure:
        transfer.put(f"{scripted_server.url}{KEY}", b"bytes")
    assert str(failure.value).startswith("PUT got no answer: ReadTimeout: ")
    assert failure.value.transient


def test_a_request_that_cannot_be_sent_is_a_permanent_failure_naming_why(transfer):
    with pytest.raises(TransferFailed) as failure:
        transfer.get("ftp://example.invalid/bucket/key?X-Amz-Signature=deadbeefcafe")
    assert str(failure.value) == (
        "GET could not be sent: InvalidSchema: No connection adapters were found for "
        "'ftp://example.invalid/bucket/key?X-Amz-Signature=[redacted]'"
    )
    assert (failure.value.transient, failure.value.unreached) == (False, False)


def test_transfers_go_over_the_session_they_are_given(scripted_server):
    session = requests.Session()
    session.headers["X-Phenom-Session"] = "given"
    scripted_server.queue("GET", KEY, Reply(200, b"ok", "text/plain"))
    ObjectTransfer(Timeouts(), session).get(f"{scripted_server.url}{KEY}")
    assert scripted_server.requests[0].headers["x-phenom-session"] == "given"
