"""Removing bearer tokens, passwords and URL signatures from text before it reaches a message or a log."""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

# Query parameters that make a presigned URL usable by whoever reads it (SigV4 and the older SigV2 names).
_SIGNING_PARAMETER = re.compile(
    r"(?i)\b(X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|Signature|AWSAccessKeyId)=[^&\s\"'<>#]+"
)
_BEARER = re.compile(r"(?i)\bBearer\s+[A-Za-z0-9._~+/=-]+")
_AUTHORIZATION_HEADER = re.compile(r"(?i)(\bauthorization['\"]?\s*[:=]\s*['\"]?)[^'\",}\r\n]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# Cognito request and response bodies (botocore logs them at DEBUG) and the smoke secret's JSON.
_SECRET_JSON_FIELD = re.compile(
    r"(?i)(['\"](?:password|refresh_token|idtoken|accesstoken|refreshtoken|secret_hash)['\"]\s*:\s*)(['\"])(?:\\.|(?!\2).)*\2"
)

# Third-party loggers that print request URLs, headers or bodies at DEBUG.
_SECRET_BEARING_LOGGERS = (
    "botocore.endpoint",
    "botocore.parsers",
    "botocore.auth",
    "botocore.hooks",
    "botocore.awsrequest",
    "urllib3.connectionpool",
    "gql.transport.requests",
)


def redact(text: str) -> str:
    """`text` with tokens, passwords and presigned-URL signatures replaced by [redacted]."""
    text = _SIGNING_PARAMETER.sub(lambda match: f"{match.group(1)}={REDACTED}", text)
    text = _AUTHORIZATION_HEADER.sub(lambda match: f"{match.group(1)}{REDACTED}", text)
    text = _BEARER.sub(f"Bearer {REDACTED}", text)
    text = _JWT.sub(REDACTED, text)
    return _SECRET_JSON_FIELD.sub(lambda match: f"{match.group(1)}{match.group(2)}{REDACTED}{match.group(2)}", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message through `redact`, so DEBUG logging of the HTTP stack stays safe to share."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_FILTER = RedactingFilter()


def protect_logs() -> None:
    """Attach the redacting filter to the loggers of boto3, urllib3 and gql that can print secrets (idempotent)."""
    for name in _SECRET_BEARING_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
