"""S3's ObjectCreated notifications through the handler: objects no media row names, or of a phenom being deleted,
go; the others are confirmed."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote_plus

import pytest

from lambdas.action_handler import handler as action_handler
from lambdas.action_handler.uploads import reconcile_uploads
from lambdas.shared.deadline import Deadline
from tests.kit.events import DEFAULT_REQUEST_ID, handler_reply, lambda_context
from tests.kit.fixture_values import MEDIA_BUCKET

pytestmark = pytest.mark.unit


def s3_event(*keys: str, event_name: str = "ObjectCreated:Put") -> dict:
    """An S3 event notification as S3 sends it to Lambda (keys URL-encoded)."""
    return {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": event_name,
                "s3": {"bucket": {"name": MEDIA_BUCKET}, "object": {"key": quote_plus(key)}},
            }
            for key in keys
        ]
    }


def test_an_object_no_row_names_is_removed_with_its_versions(action_services, fake_hasura, s3):
    phenom_id = str(uuid.uuid4())
    key = f"media/{phenom_id}/0_{phenom_id}_late photo.jpg"
    s3.put_bucket_versioning(Bucket=MEDIA_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"1", b"2"):
        s3.put_object(Bucket=MEDIA_BUCKET, Key=key, Body=body)
    kept = f"{key}.other"
    s3.put_object(Bucket=MEDIA_BUCKET, Key=kept, Body=b"k")
    fake_hasura.answer("MediaByKey", {"phenom_media": []})
    result = action_handler.handler(s3_event(key), lambda_context())
    assert result == {"removed": 1, "confirmed": 0}
    left = s3.list_object_versions(Bucket=MEDIA_BUCKET).get("Versions", [])
    assert [version["Key"] for version in left] == [kept]
    assert fake_hasura.calls[0].variables == {"key": key}


def test_an_object_a_row_names_is_marked_uploaded(action_services, fake_hasura, s3):
    media_id = str(uuid.uuid4())
    key = f"media/{uuid.uuid4()}/0_x_a.jpg"
    s3.put_object(Bucket=MEDIA_BUCKET, Key=key, Body=b"a")
    fake_hasura.answer("MediaByKey", {"phenom_media": [{"id": media_id, "phenom": {"deletion_started_at": None}}]})
    fake_hasura.answer("MarkMediaUploaded", {"update_phenom_media": {"affected_rows": 1}})
    result = action_handler.handler(s3_event(key), lambda_context())
    assert result == {"removed": 0, "confirmed": 1}
    assert fake_hasura.calls[1].variables == {"ids": [media_id]}
    assert s3.list_objects_v2(Bucket=MEDIA_BUCKET, Prefix=key)["KeyCount"] == 1


def test_an_object_of_a_phenom_being_deleted_is_removed(action_services, fake_hasura, s3):
    # GIVEN an upload that landed after deletePhenom claimed its row and listed the objects (so it missed this one)
    key = f"media/{uuid.uuid4()}/0_x_a.jpg"
    s3.put_object(Bucket=MEDIA_BUCKET, Key=key, Body=b"a")
    media = {"id": str(uuid.uuid4()), "phenom": {"deletion_started_at": "2026-03-01T10:00:00+00:00"}}
    fake_hasura.answer("MediaByKey", {"phenom_media": [media]})
    # WHEN its notification arrives  THEN the object goes, as the row is about to
    result = action_handler.handler(s3_event(key), lambda_context())
    assert result == {"removed": 1, "confirmed": 0}
    assert fake_hasura.operations() == ["MediaByKey"]
    assert s3.list_objects_v2(Bucket=MEDIA_BUCKET, Prefix=key)["KeyCount"] == 0


def test_objects_outside_media_and_other_events_are_left_alone(action_services, fake_hasura, s3):
    result = action_handler.handler(
        {
            "Records": [
                *s3_event("exports/a.csv")["Records"],
                *s3_event("media/x", event_name="ObjectRemoved:Delete")["Records"],
            ]
        },
        lambda_context(),
    )
    assert result == {"removed": 0, "confirmed": 0}
    assert fake_hasura.calls == []


def test_every_created_object_of_a_notification_is_handled_whatever_comes_before_it(
    action_services, fake_hasura, s3, log_lines
):
    # GIVEN one notification: a record with no event name, another event, an object outside media/, then two
    # objects no row names and two a row names
    orphans = [f"media/{uuid.uuid4()}/0_x_{name}.jpg" for name in "ab"]
    named = {f"media/{uuid.uuid4()}/0_x_{name}.jpg": str(uuid.uuid4()) for name in "cd"}
    for key in [*orphans, *named]:
        s3.put_object(Bucket=MEDIA_BUCKET, Key=key, Body=b"bytes")

    def media_by_key(variables):
        media_id = named.get(variables["key"])
        rows = [{"id": media_id, "phenom": {"deletion_started_at": None}}] if media_id else []
        return 200, {"data": {"phenom_media": rows}}

    fake_hasura.answer("MediaByKey", media_by_key)
    fake_hasura.answer("MarkMediaUploaded", {"update_phenom_media": {"affected_rows": 1}})
    unnamed = {"eventSource": "aws:s3", "s3": {"bucket": {"name": MEDIA_BUCKET}, "object": {"key": orphans[0]}}}
    records = [
        unnamed,
        *s3_event(orphans[0], event_name="ObjectRemoved:Delete")["Records"],
        *s3_event("exports/a.csv")["Records"],
        *s3_event(*orphans, *named)["Records"],
    ]
    # WHEN it arrives
    result = action_handler.handler({"Records": records}, lambda_context())
    # THEN each created media object was handled: the orphans removed, each logged with its key, the others marked
    assert result == {"removed": 2, "confirmed": 2}
    assert [call.variables for call in fake_hasura.calls if call.operation == "MarkMediaUploaded"] == [
        {"ids": [media_id]} for media_id in named.values()
    ]
    assert s3.list_objects_v2(Bucket=MEDIA_BUCKET)["KeyCount"] == 2
    removals = [json.loads(line) for line in log_lines]
    assert [(line["message"], line["key"], line["request_id"]) for line in removals] == [
        ("upload without a media row, or of a phenom being deleted, removed", key, DEFAULT_REQUEST_ID)
        for key in orphans
    ]


def test_each_hasura_call_waits_at_most_what_is_left_of_the_deadline(action_services, fake_hasura, s3, hasura_timeouts):
    key = f"media/{uuid.uuid4()}/0_x_a.jpg"
    fake_hasura.answer(
        "MediaByKey", {"phenom_media": [{"id": str(uuid.uuid4()), "phenom": {"deletion_started_at": None}}]}
    )
    fake_hasura.answer("MarkMediaUploaded", {"update_phenom_media": {"affected_rows": 1}})
    assert reconcile_uploads(s3_event(key), action_services, Deadline(5.0)) == {"removed": 0, "confirmed": 1}
    assert len(hasura_timeouts) == 2 and all(timeout is not None and 0 < timeout <= 5.0 for timeout in hasura_timeouts)


@pytest.mark.parametrize(
    "records",
    [[], [{"eventSource": "aws:sqs"}], [*s3_event("media/x")["Records"], "junk"], {"eventSource": "aws:s3"}],
    ids=["no-records", "not-s3", "one-record-not-an-object", "records-not-a-list"],
)
def test_an_event_that_is_not_an_s3_notification_is_refused_as_a_function_url_request(action_services, records):
    status, error = handler_reply({"Records": records})
    assert (status, error) == (
        400,
        {"message": "body must be the JSON of a Hasura action request", "extensions": {"code": "bad-request"}},
    )
