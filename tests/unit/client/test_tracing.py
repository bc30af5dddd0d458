"""W3C trace context: the ids the client draws, the traceparent each request carries, and the step's trace scope."""

from __future__ import annotations

import secrets
from types import SimpleNamespace

import pytest

from phenom_client import tracing
from phenom_client.tracing import add_traceparent, new_trace_id, step_trace, traceparent

pytestmark = pytest.mark.unit


@pytest.fixture
def drawn(monkeypatch) -> list:
    """Scripted random hex (queue values in it); each draw's byte count is appended as it happens."""
    script: list[str] = []
    sizes: list[int] = []

    def token_hex(size: int) -> str:
        sizes.append(size)
        return script.pop(0)

    monkeypatch.setattr(secrets, "token_hex", token_hex)
    return SimpleNamespace(script=script, sizes=sizes)


def test_a_trace_id_is_sixteen_random_bytes_and_never_the_invalid_all_zero_id(drawn):
    drawn.script += ["0" * 32, "0" * 32, "4bf92f3577b34da6a3ce929d0e0e4736"]
    assert new_trace_id() == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert drawn.sizes == [16, 16, 16]


def test_a_traceparent_outside_a_step_is_version_00_a_new_trace_a_new_nonzero_span_and_sampled(drawn):
    drawn.script += ["0" * 16, "00f067aa0ba902b7", "4bf92f3577b34da6a3ce929d0e0e4736"]
    assert traceparent() == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    assert drawn.sizes == [8, 8, 16]


def test_a_traceparent_inside_a_step_carries_the_steps_trace_until_the_step_ends(drawn):
    drawn.script += ["00f067aa0ba902b7", "b7ad6b7169203331"]
    with step_trace("4bf92f3577b34da6a3ce929d0e0e4736"):
        with step_trace("11111111111111111111111111111111"):
            inner = traceparent()
        outer = traceparent()
    assert (inner, outer) == (
        "00-11111111111111111111111111111111-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01",
    )
    drawn.script += ["1111111111111111", "0af7651916cd43dd8448eb211c80319c"]
    assert traceparent() == "00-0af7651916cd43dd8448eb211c80319c-1111111111111111-01"


def test_a_step_that_raises_still_ends_its_trace(drawn):
    with pytest.raises(RuntimeError), step_trace("4bf92f3577b34da6a3ce929d0e0e4736"):
        raise RuntimeError("step failed")
    drawn.script += ["00f067aa0ba902b7", "0af7651916cd43dd8448eb211c80319c"]
    assert traceparent() == "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"


def test_an_aws_request_gets_a_traceparent_header_like_the_clients_other_requests():
    request = SimpleNamespace(headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"})
    with step_trace("4bf92f3577b34da6a3ce929d0e0e4736"):
        add_traceparent(request, event_name="request-created.cognito-idp.InitiateAuth")
    assert request.headers["X-Amz-Target"] == "AWSCognitoIdentityProviderService.InitiateAuth"
    assert request.headers[tracing.HEADER].startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
    assert tracing.HEADER == "traceparent"
