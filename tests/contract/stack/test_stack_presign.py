"""The stack's S3 refuses presigned URLs as S3 does (moto alone accepts any), and the handler's own URLs still work."""

from __future__ import annotations

import time

import pytest
import requests

from tests.contract.backend_calls import HTTP_TIMEOUT_SECONDS, call_action_as, create_phenom_as
from tests.contract.cleanup import delete_phenom_as

pytestmark = pytest.mark.contract

EXPIRY_WAIT_SECONDS = 10.0
BODY = b"presign probe"


@pytest.fixture(scope="module")
def uploaded(action_url, user_a):
    """(upload entry, download URL) of one file put through the handler's own presigned URLs; deleted after."""
    created = create_phenom_as(action_url, user_a, ["probe.jpg"])
    try:
        [upload] = created["uploads"]
        requests.put(upload["uploadUrl"], data=BODY, timeout=HTTP_TIMEOUT_SECONDS).raise_for_status()
        listed = call_action_as(action_url, user_a, "getPhenoms", {"limit": 50})
        listed.raise_for_status()
        [phenom] = [p for p in listed.json() if p["id"] == created["phenomId"]]
        yield upload, phenom["media"][0]["signed_uri"]
    finally:
        delete_phenom_as(action_url, user_a, created["phenomId"])


def _refusal(response: requests.Response) -> tuple[int, str]:
    code = response.text.split("<Code>")[1].split("</Code>")[0] if "<Code>" in response.text else response.text
    return response.status_code, code


def test_the_handlers_own_urls_round_trip(uploaded):
    _, download_url = uploaded
    response = requests.get(download_url, timeout=HTTP_TIMEOUT_SECONDS)
    assert (response.status_code, response.content) == (200, BODY)


def test_a_tampered_key_is_refused(uploaded):
    _, download_url = uploaded
    tampered = download_url.replace("probe.jpg", "other.jpg")
    assert _refusal(requests.get(tampered, timeout=HTTP_TIMEOUT_SECONDS)) == (403, "SignatureDoesNotMatch")


def test_a_swapped_signature_is_refused(uploaded):
    upload, download_url = uploaded
    foreign = upload["uploadUrl"].split("X-Amz-Signature=")[1]
    swapped = download_url.split("X-Amz-Signature=")[0] + "X-Amz-Signature=" + foreign
    assert _refusal(requests.get(swapped, timeout=HTTP_TIMEOUT_SECONDS)) == (403, "SignatureDoesNotMatch")


def test_a_put_on_a_get_url_is_refused_and_stores_nothing(uploaded, s3_client, local_stack):
    upload, download_url = uploaded
    response = requests.put(download_url, data=b"overwrite", timeout=HTTP_TIMEOUT_SECONDS)
    assert _refusal(response) == (403, "SignatureDoesNotMatch")
    stored = s3_client.get_object(Bucket=local_stack.media_bucket, Key=upload["key"])["Body"].read()
    assert stored == BODY


def test_an_expired_url_is_refused(uploaded, local_stack):
    import boto3
    from botocore.config import Config

    upload, _ = uploaded
    credentials = local_stack.aws_credentials
    s3 = boto3.session.Session(
        aws_access_key_id=credentials["access_key_id"],
        aws_secret_access_key=credentials["secret_access_key"],
        region_name=local_stack.region,
    ).client(
        "s3",
        endpoint_url=local_stack.aws_endpoint_url,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": local_stack.media_bucket, "Key": upload["key"]}, ExpiresIn=1
    )
    deadline = time.monotonic() + EXPIRY_WAIT_SECONDS
    response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
    while response.status_code == 200 and time.monotonic() < deadline:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
    assert _refusal(response) == (403, "AccessDenied")
    assert "<Message>Request has expired</Message>" in response.text
