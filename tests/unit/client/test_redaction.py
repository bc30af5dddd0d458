"""Redaction of tokens, passwords and URL signatures in messages and in the HTTP stack's DEBUG logs."""

from __future__ import annotations

import logging

import pytest

from phenom_client.redaction import REDACTED, protect_logs, redact

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
