"""getPhenoms gives each Hasura call what is left of the deadline, never the client's own longer default."""

from __future__ import annotations

import uuid

import pytest

from lambdas.action_handler.auth import Caller
from lambdas.action_handler.get_phenoms import get_phenoms
from lambdas.shared.deadline import Deadline
from tests.kit.fixture_values import MEDIA_BUCKET

pytestmark = pytest.mark.unit


def test_both_hasura_calls_are_bounded_by_the_deadline(action_services, fake_hasura, s3, id_token, hasura_timeouts):
    # GIVEN one phenom whose pending file has been uploaded, so getPhenoms lists and then marks it
    phenom_id, media_id = str(uuid.uuid4()), str(uuid.uuid4())
    key = f"media/{phenom_id}/0_{phenom_id}_a.jpg"
    media = {"id": media_id, "sort_order": 0, "original_filename": "a.jpg", "s3_key": key, "upload_state": "pending"}
    row = {"id": phenom_id, "lat": 0.0, "lng": 0.0, "media_type": "image", "created_at": "2026-01-01T00:00:00+00:00"}
    fake_hasura.answer("GetPhenoms", {"phenoms": [{**row, "media": [media]}]})
    fake_hasura.answer("MarkMediaUploaded", {"update_phenom_media": {"affected_rows": 1}})
    s3.put_object(Bucket=MEDIA_BUCKET, Key=key, Body=b"bytes")
    # WHEN getPhenoms runs with 30 s left
    listed = get_phenoms(Caller(sub=id_token.sub, email=id_token.email), {}, action_services, Deadline(30.0))
    # THEN it listed and marked, each call waiting at most what was left
    assert [item["upload_state"] for item in listed[0]["media"]] == ["uploaded"]
    assert len(hasura_timeouts) == 2 and all(timeout is not None and 0 < timeout <= 30.0 for timeout in hasura_timeouts)
