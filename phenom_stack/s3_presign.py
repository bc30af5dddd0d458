"""S3's check of presigned URLs (SigV4 in the query string), in front of moto, which accepts any.

AWS refuses a presigned URL whose signature does not cover the request as sent (another key, another method,
a swapped signature) with 403 SignatureDoesNotMatch, and one past X-Amz-Date + X-Amz-Expires with 403
AccessDenied "Request has expired". `PresignCheck` wraps moto's WSGI application and answers those refusals
as S3 does; requests that are not query-signed (boto3's header-signed calls) pass untouched. The expected
signature is computed with botocore's own S3 query signer over the canonical request.
"""

from __future__ import annotations

import hmac
import time
import uuid
from calendar import timegm
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ALGORITHM = "AWS4-HMAC-SHA256"
SIGV4_TIMESTAMP = "%Y%m%dT%H%M%SZ"
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your key and signing method."
)
MALFORMED = 'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'


@dataclass(frozen=True)
class Refusal:
    """The 403 S3 answers: its error code, message and any extra elements of the XML body."""

    code: str
    message: str
    extra: tuple[tuple[str, str], ...] = ()

    def xml(self) -> bytes:
        elements = "".join(f"<{name}>{value}</{name}>" for name, value in self.extra)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{self.code}</Code><Message>{self.message}</Message>{elements}"
            f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>"
        ).encode()


def _query_pairs(raw_query: str) -> list[tuple[str, str]]:
    return [tuple(pair.partition("=")[::2]) for pair in raw_query.split("&") if pair]


def _timestamp(text: str) -> float | None:
    try:
        return float(timegm(time.strptime(text, SIGV4_TIMESTAMP)))
    except ValueError:
        return None


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def check_presigned(
    method: str,
    host: str,
    raw_path: str,
    raw_query: str,
    headers: dict[str, str],
    secret_keys: dict[str, str],
    now: float,
) -> Refusal | None:
    """The refusal S3 would answer this query-signed request with; None when it is not query-signed or is valid.

    `raw_path` and `raw_query` are as sent (still percent-encoded), `headers` keyed by lower-case name,
    `secret_keys` maps each access key id the stack signs with to its secret.
    """
    pairs = _query_pairs(raw_query)
    params = {unquote(key): unquote(value) for key, value in pairs}
    if params.get("X-Amz-Algorithm") != ALGORITHM or "X-Amz-Signature" not in params:
        return None
    scope = params.get("X-Amz-Credential", "").split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        return Refusal("AuthorizationQueryParametersError", MALFORMED)
    access_key, _, region, service, _ = scope
    if service != "s3":
        return None
    if access_key not in secret_keys:
        return Refusal(
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
            (("AWSAccessKeyId", access_key),),
        )
    signed_at = _timestamp(params.get("X-Amz-Date", ""))
    expires = params.get("X-Amz-Expires", "")
    if signed_at is None or not expires.isdigit():
        return Refusal(
            "AuthorizationQueryParametersError",
            "X-Amz-Date and X-Amz-Expires must be present and well formed.",
        )
    unsigned_query = "&".join(f"{key}={value}" for key, value in pairs if unquote(key) != "X-Amz-Signature")
    signed_headers = params.get("X-Amz-SignedHeaders", "host").split(";")
    request = AWSRequest(
        method=method,
        url=f"http://{host}{raw_path}?{unsigned_query}",
        headers={name: headers.get(name, "") for name in signed_headers},
    )
    request.context["timestamp"] = params["X-Amz-Date"]
    signer = S3SigV4QueryAuth(Credentials(access_key, secret_keys[access_key]), service, region)
    string_to_sign = signer.string_to_sign(request, signer.canonical_request(request))
    expected = signer.signature(string_to_sign, request)
    if not hmac.compare_digest(expected, params["X-Amz-Signature"]):
        return Refusal(
            "SignatureDoesNotMatch",
            SIGNATURE_MISMATCH,
            (("AWSAccessKeyId", access_key), ("SignatureProvided", params["X-Amz-Signature"])),
        )
    expires_at = signed_at + int(expires)
    if now > expires_at:
        return Refusal(
            "AccessDenied",
            "Request has expired",
            (("X-Amz-Expires", expires), ("Expires", _iso(expires_at)), ("ServerTime", _iso(now))),
        )
    return None


class PresignCheck:
    """WSGI middleware: refuse bad presigned S3 requests as S3 does, hand everything else to `app`."""

    def __init__(self, app: Callable, secret_keys: dict[str, str], clock: Callable[[], float] = time.time) -> None:
        self.app = app
        self.secret_keys = dict(secret_keys)
        self.clock = clock

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")
        raw_path, _, raw_query = raw_uri.partition("?")
        headers = {
            key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers[key.replace("_", "-").lower()] = environ[key]
        refusal = check_presigned(
            environ.get("REQUEST_METHOD", "GET"),
            headers.get("host", ""),
            raw_path,
            raw_query or environ.get("QUERY_STRING", ""),
            headers,
            self.secret_keys,
            self.clock(),
        )
        if refusal is None:
            return self.app(environ, start_response)
        body = refusal.xml()
        start_response("403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
        return [body]
