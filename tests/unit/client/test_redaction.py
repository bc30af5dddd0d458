"""Redaction of tokens, passwords and URL signatures in messages and in the HTTP stack's DEBUG logs."""

from __future__ import annotations

import logging

import pytest

from phenom_client.redaction import REDACTED, RedactingFilter, protect_logs, redact

pytestmark = pytest.mark.unit

JWT = "eyJraWQiOiJkdW1teSJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLWJ5dGVz"


@pytest.mark.parametrize(
    "parameter", ["X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Credential", "x-amz-signature"]
)
def test_signing_parameters_of_a_presigned_url_are_redacted(parameter):
    url = f"https://bucket.s3.amazonaws.com/media/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&{parameter}=s3cr3tvalue%2Fx&X-Amz-Expires=300"
    cleaned = redact(url)
    assert "s3cr3tvalue" not in cleaned
    assert f"{parameter}={REDACTED}" in cleaned
    assert "X-Amz-Expires=300" in cleaned


@pytest.mark.parametrize(
    "text",
    [
        f"Authorization: Bearer {JWT}",
        f"{{'Authorization': 'Bearer {JWT}'}}",
        f"header authorization={JWT}",
        f"token {JWT} leaked",
    ],
)
def test_bearer_tokens_and_jwts_are_redacted(text):
    assert JWT not in redact(text)


def test_passwords_and_tokens_in_cognito_json_bodies_are_redacted():
    body = (
        '{"AuthParameters": {"USERNAME": "u@example.com", "PASSWORD": "p\\"w"}, '
        '"RefreshToken": "abc", "IdToken": "def"}'
    )
    cleaned = redact(body)
    assert '"USERNAME": "u@example.com"' in cleaned
    for secret in ('p\\"w', '"abc"', '"def"'):
        assert secret not in cleaned


def test_text_without_secrets_is_unchanged():
    text = "step 3/6 upload: PUT returned 403 SignatureDoesNotMatch"
    assert redact(text) == text


def test_debug_records_of_the_http_stack_are_redacted(caplog):
    # GIVEN the client's log protection is installed
    protect_logs()
    # WHEN urllib3 logs a presigned URL at DEBUG
    with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
        logging.getLogger("urllib3.connectionpool").debug('"GET /k?X-Amz-Signature=%s HTTP/1.1" 200', "abcdef123456")
    # THEN the captured record carries no signature
    assert "abcdef123456" not in caplog.text
    assert f"X-Amz-Signature={REDACTED}" in caplog.text


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("Authorization: abc123", "Authorization: [redacted]"),
        ("{'authorization': 'abc123', 'host': 'x'}", "{'authorization': '[redacted]', 'host': 'x'}"),
        (f"Authorization: Bearer {JWT}", "Authorization: [redacted]"),
        (f"sent Bearer {JWT[:20]} once", "sent Bearer [redacted] once"),
        (f"token {JWT} leaked", "token [redacted] leaked"),
        (
            "GET /k?Signature=abc&AWSAccessKeyId=AKIA1&Expires=9",
            "GET /k?Signature=[redacted]&AWSAccessKeyId=[redacted]&Expires=9",
        ),
        ('{"password": "hunter2", "user": "u"}', '{"password": "[redacted]", "user": "u"}'),
        (
            "{'refresh_token': 'r1', 'secret_hash': 's1'}",
            "{'refresh_token': '[redacted]', 'secret_hash': '[redacted]'}",
        ),
        ('{"AccessToken": "a1"}', '{"AccessToken": "[redacted]"}'),
    ],
    ids=[
        "authorization-header",
        "authorization-in-a-dict",
        "bearer-in-a-header",
        "bearer-alone",
        "jwt-alone",
        "sigv2-url",
        "json-password",
        "python-dict-fields",
        "access-token",
    ],
)
def test_each_secret_is_replaced_by_the_marker_and_the_rest_kept(text, cleaned):
    assert redact(text) == cleaned


@pytest.mark.parametrize(
    "name", ["botocore.endpoint", "botocore.parsers", "urllib3.connectionpool", "gql.transport.requests"]
)
def test_every_logger_that_prints_requests_is_protected_once(monkeypatch, name):
    # GIVEN the logger as a process starts it, without the filter a PhenomClient made earlier installed
    logger = logging.getLogger(name)
    monkeypatch.setattr(logger, "filters", [])
    # WHEN the protection is installed twice
    protect_logs()
    protect_logs()
    # THEN the logger has the one redacting filter, and the root logger none
    assert [type(installed) for installed in logger.filters] == [RedactingFilter]
    assert not any(isinstance(installed, RedactingFilter) for installed in logging.getLogger().filters)


def test_a_record_with_a_secret_in_its_arguments_is_rewritten_and_others_are_left_alone():
    redacting = RedactingFilter()
    leaking = logging.LogRecord("botocore.endpoint", logging.DEBUG, __file__, 1, "Sending %s", (JWT,), None)
    harmless = logging.LogRecord("botocore.endpoint", logging.DEBUG, __file__, 1, "Sent %d bytes", (12,), None)
    assert redacting.filter(leaking) and redacting.filter(harmless)
    assert (leaking.msg, leaking.args, leaking.getMessage()) == ("Sending [redacted]", (), "Sending [redacted]")
    assert (harmless.msg, harmless.args) == ("Sent %d bytes", (12,))
