"""Races and hostile text on the action handler of the local stack: deletes of one phenom side by side, uploads
during and after a delete, filenames with bidi controls or lone UTF-16 surrogates."""

from __future__ import annotations

import json
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests

from tests.contract.backend_calls import (
    HTTP_TIMEOUT_SECONDS,
    bearer,
    call_action_as,
    create_phenom_as,
    post_raw_to_function_url,
    session_variables_of,
)
from tests.contract.cleanup import delete_phenom_as
from tests.kit.faults import wait_for

pytestmark = pytest.mark.contract

CONCURRENT_DELETES = 6
FILES = ["a.jpg", "b.jpg", "c.jpg"]


def test_of_concurrent_deletes_exactly_one_reports_the_objects(action_url, user_a, s3_client, local_stack):
    # GIVEN a phenom with three uploaded objects
    created = create_phenom_as(action_url, user_a, FILES)
    phenom_id = created["phenomId"]
    for upload in created["uploads"]:
        assert requests.put(upload["uploadUrl"], data=b"x", timeout=HTTP_TIMEOUT_SECONDS).ok
    start = threading.Barrier(CONCURRENT_DELETES)

    def delete() -> requests.Response:
        start.wait(timeout=HTTP_TIMEOUT_SECONDS)
        return call_action_as(action_url, user_a, "deletePhenom", {"phenomId": phenom_id})

    # WHEN six deletes of it run side by side
    with ThreadPoolExecutor(CONCURRENT_DELETES) as pool:
        replies = list(pool.map(lambda _: delete(), range(CONCURRENT_DELETES)))
    # THEN one reports the three objects and every other one is not-found
    answers = sorted(
        (reply.status_code, reply.json().get("deletedObjects", reply.json().get("extensions", {}).get("code")))
        for reply in replies
    )
    assert answers == [(200, 3)] + [(404, "not-found")] * (CONCURRENT_DELETES - 1)
    # AND nothing of it is left
    listed = s3_client.list_object_versions(Bucket=local_stack.media_bucket, Prefix=f"media/{phenom_id}/")
    assert listed.get("Versions", []) == [] and listed.get("DeleteMarkers", []) == []


def test_bidi_controls_are_not_kept_in_the_stored_filename(action_url, user_a, database_url):
    created = create_phenom_as(action_url, user_a, ["photo\u202egpj.exe", "a\u2066b\u2069\u200f.jpg"])
    try:
        with psycopg.connect(database_url) as connection:
            stored = [
                row[0]
                for row in connection.execute(
                    "SELECT original_filename FROM phenom_media WHERE phenom_id = %s ORDER BY sort_order",
                    (created["phenomId"],),
                )
            ]
    finally:
        delete_phenom_as(action_url, user_a, created["phenomId"])
    assert stored == ["photogpj.exe", "ab.jpg"]
    assert not [char for name in stored for char in name if unicodedata.category(char) in ("Cc", "Cf")]


def test_a_lone_surrogate_in_a_filename_is_validation_failed(action_url, user_a):
    # The body as a client sends it: JSON may escape a lone surrogate, which no database or S3 key can hold.
    body = json.dumps(
        {
            "action": {"name": "createPhenom"},
            "input": {"input": {"lat": 0, "lng": 0, "filenames": ["\ud800.jpg"], "media_type": "image"}},
            "session_variables": session_variables_of(user_a.sub),
            "request_query": "mutation { createPhenom }",
        }
    )
    assert "\\ud800" in body
    reply = post_raw_to_function_url(action_url, body, bearer(user_a.id_token))
    assert reply.status_code == 400
    assert reply.json()["extensions"]["code"] == "validation-failed"
    assert "lone UTF-16 surrogate" in reply.json()["message"]


def versions_under(s3_client, bucket: str, prefix: str) -> list[str]:
    listed = s3_client.list_object_versions(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for item in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]


def test_an_upload_after_the_delete_is_removed(action_url, user_a, s3_client, local_stack):
    # GIVEN a phenom deleted before its presigned PUT was used
    created = create_phenom_as(action_url, user_a, ["late.jpg"])
    prefix = f"media/{created['phenomId']}/"
    assert delete_phenom_as(action_url, user_a, created["phenomId"]).ok
    # WHEN the PUT lands afterwards (S3 accepts it: the URL is valid for 300 s)
    assert requests.put(created["uploads"][0]["uploadUrl"], data=b"late", timeout=HTTP_TIMEOUT_SECONDS).ok
    # THEN S3's notification has the handler remove the object no row names
    wait_for(lambda: versions_under(s3_client, local_stack.media_bucket, prefix) == [], 15, "the late upload's removal")


def test_uploads_racing_a_delete_leave_no_object_without_a_row(action_url, user_a, s3_client, local_stack):
    # GIVEN a phenom with three files
    created = create_phenom_as(action_url, user_a, FILES)
    prefix = f"media/{created['phenomId']}/"
    urls = [upload["uploadUrl"] for upload in created["uploads"]]
    start = threading.Barrier(len(urls) * 2 + 1)

    def put(url: str) -> int:
        start.wait(timeout=HTTP_TIMEOUT_SECONDS)
        return requests.put(url, data=b"x", timeout=HTTP_TIMEOUT_SECONDS).status_code

    def delete() -> int:
        start.wait(timeout=HTTP_TIMEOUT_SECONDS)
        return call_action_as(action_url, user_a, "deletePhenom", {"phenomId": created["phenomId"]}).status_code

    # WHEN each file is PUT twice while the phenom is deleted
    with ThreadPoolExecutor(len(urls) * 2 + 1) as pool:
        puts = [pool.submit(put, url) for url in urls * 2]
        deleted = pool.submit(delete)
        assert [future.result() for future in puts] == [200] * len(puts)
        assert deleted.result() == 200
    # THEN once the notifications are handled, no object is left under the deleted phenom
    wait_for(
        lambda: versions_under(s3_client, local_stack.media_bucket, prefix) == [], 15, "the racing uploads' removal"
    )
