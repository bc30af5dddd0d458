"""Presigned S3 URLs are checked as S3 checks them: the signature over the request as sent, then the expiry."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from phenom_stack.s3_presign import check_presigned

ACCESS_KEY, SECRET_KEY = "AKIDEXAMPLE", "unit-test-secret"
ENDPOINT = "http://127.0.0.1:45123"
KEYS = {ACCESS_KEY: SECRET_KEY}


@pytest.fixture(scope="module")
def s3():
    """A path-style SigV4 S3 client for the endpoint, signing with the test keys."""
    session = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name="eu-west-1"
    )
    return session.client(
        "s3", endpoint_url=ENDPOINT, config=Config(signature_version="s3v4", s3={"addressing_style": "path"})
    )


def _url(s3, operation: str = "get_object", key: str = "media/p/0_a.jpg", expires: int = 300) -> str:
    return s3.generate_presigned_url(operation, Params={"Bucket": "media", "Key": key}, ExpiresIn=expires)


def _check(url: str, method: str = "GET", now: float | None = None, keys=KEYS):
    parts = urlsplit(url)
    return check_presigned(
        method, parts.netloc, parts.path, parts.query, {"host": parts.netloc}, keys, now or time.time()
    )


def test_the_signers_own_urls_pass(s3):
    assert _check(_url(s3)) is None
    assert _check(_url(s3, "put_object"), method="PUT") is None
    assert _check(_url(s3, key="media/p/0_a b+c.jpg")) is None


def test_a_tampered_key_does_not_match_the_signature(s3):
    url = _url(s3).replace("0_a.jpg", "0_b.jpg")
    assert _check(url).code == "SignatureDoesNotMatch"


def test_a_swapped_signature_does_not_match(s3):
    first, second = _url(s3, key="media/p/1.jpg"), _url(s3, key="media/p/2.jpg")
    swapped = first.split("X-Amz-Signature=")[0] + "X-Amz-Signature=" + second.split("X-Amz-Signature=")[1]
    refusal = _check(swapped)
    assert refusal.code == "SignatureDoesNotMatch" and b"<Code>SignatureDoesNotMatch</Code>" in refusal.xml()


def test_a_get_url_does_not_sign_a_put(s3):
    assert _check(_url(s3), method="PUT").code == "SignatureDoesNotMatch"


def test_an_expired_url_is_access_denied(s3):
    refusal = _check(_url(s3, expires=1), now=time.time() + 5)
    assert (refusal.code, refusal.message) == ("AccessDenied", "Request has expired")


def test_an_unknown_access_key_is_refused(s3):
    assert _check(_url(s3), keys={"someone-else": SECRET_KEY}).code == "InvalidAccessKeyId"


def test_requests_without_a_query_signature_pass():
    assert check_presigned("GET", "127.0.0.1", "/media/k", "versionId=1", {}, KEYS, time.time()) is None
