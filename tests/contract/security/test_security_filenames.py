"""Hostile client filenames never steer an S3 key out of media/<phenomId>/, and the presigned PUT URL
points at exactly that key."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

import pytest
import requests

from tests.contract.backend_calls import HTTP_TIMEOUT_SECONDS, call_action_as
from tests.contract.cleanup import delete_phenom_as

pytestmark = pytest.mark.contract

# Ids say what each name tries; the names themselves never appear in test ids.
HOSTILE_FILENAMES = {
    "parent-traversal": "../../etc/passwd",
    "absolute-path": "/abs/path",
    "nul-byte": "a\x00b",
    "rtl-override": "photo\u202egpj.exe",
    "fullwidth-solidus": "..\uff0f..\uff0fetc\uff0fpasswd",
    "thousand-chars": "x" * 996 + ".jpg",
    "dot-dot": "..",
}
S3_MAX_KEY_BYTES = 1024


@pytest.fixture(scope="module")
def hostile_replies(action_url, user_a) -> dict[str, requests.Response]:
    """Per hostile filename, user A's createPhenom reply for a phenom with that one file; phenoms deleted after."""
    replies: dict[str, requests.Response] = {}
    try:
        for case, filename in HOSTILE_FILENAMES.items():
            replies[case] = call_action_as(
                action_url,
                user_a,
                "createPhenom",
                {"input": {"lat": 0.5, "lng": 0.5, "filenames": [filename], "media_type": "image"}},
            )
        yield replies
    finally:
        for reply in replies.values():
            if reply.ok:
                delete_phenom_as(action_url, user_a, reply.json()["phenomId"])


def _accepted_upload(hostile_replies, case: str) -> tuple[str, dict]:
    """The phenom id and the single upload entry of an accepted hostile createPhenom."""
    reply = hostile_replies[case]
    assert reply.status_code == 200, f"{case}: HTTP {reply.status_code}; a hostile name is to be sanitised, not refused"
    return reply.json()["phenomId"], reply.json()["uploads"][0]


def _key_pattern(phenom_id: str) -> re.Pattern[str]:
    return re.compile(rf"^media/{phenom_id}/\d+_{phenom_id}_[^/]+$")


@pytest.mark.parametrize("case", HOSTILE_FILENAMES)
def test_key_stays_under_the_phenom_prefix(case, hostile_replies):
    phenom_id, upload = _accepted_upload(hostile_replies, case)
    assert _key_pattern(phenom_id).fullmatch(upload["key"]), f"{case}: key {upload['key']!r} leaves media/<phenomId>/"


@pytest.mark.parametrize("case", HOSTILE_FILENAMES)
def test_key_fits_s3_key_limit(case, hostile_replies):
    _, upload = _accepted_upload(hostile_replies, case)
    size = len(upload["key"].encode())
    assert size <= S3_MAX_KEY_BYTES, f"{case}: key is {size} bytes; S3 refuses keys over {S3_MAX_KEY_BYTES}"


@pytest.mark.parametrize("case", HOSTILE_FILENAMES)
def test_key_has_no_control_format_or_lookalike_separator_characters(case, hostile_replies):
    # GIVEN the sanitised name part of the key
    name = _accepted_upload(hostile_replies, case)[1]["key"].rsplit("/", 1)[1]
    # THEN it holds no invisible characters and nothing that normalises into a separator or a parent step
    hidden = [f"U+{ord(char):04X}" for char in name if unicodedata.category(char) in ("Cc", "Cf")]
    assert not hidden, f"{case}: key keeps control/format characters {hidden}"
    normalised = unicodedata.normalize("NFKC", name)
    assert "/" not in normalised and "\\" not in normalised, f"{case}: key name normalises to a path separator"


@pytest.mark.parametrize("case", HOSTILE_FILENAMES)
def test_presigned_put_url_path_is_the_key(case, hostile_replies, local_stack):
    _, upload = _accepted_upload(hostile_replies, case)
    path = unquote(urlsplit(upload["uploadUrl"]).path)
    # Path-style (moto, loopback) puts the bucket first; virtual-host style (AWS) puts it in the host.
    expected = {f"/{local_stack.media_bucket}/{upload['key']}", f"/{upload['key']}"}
    assert path in expected, f"{case}: presigned PUT path {path!r} is not the key {upload['key']!r}"


@pytest.mark.parametrize("case", HOSTILE_FILENAMES)
def test_upload_echoes_the_filename_as_sent(case, hostile_replies):
    _, upload = _accepted_upload(hostile_replies, case)
    assert upload["filename"] == HOSTILE_FILENAMES[case], f"{case}: uploads[].filename is not the name the client sent"


@pytest.mark.parametrize("case", HOSTILE_FILENAMES)
def test_put_to_presigned_url_stores_the_object_at_the_key(case, hostile_replies, s3_client, local_stack):
    # GIVEN the presigned PUT handed out for a hostile name
    _, upload = _accepted_upload(hostile_replies, case)
    # WHEN the client uploads through it
    requests.put(upload["uploadUrl"], data=b"hostile name probe", timeout=HTTP_TIMEOUT_SECONDS).raise_for_status()
    # THEN the object is stored under exactly the returned key
    head = s3_client.head_object(Bucket=local_stack.media_bucket, Key=upload["key"])
    assert head["ContentLength"] == len(b"hostile name probe"), f"{case}: object at the key has other content"
