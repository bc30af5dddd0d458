"""getPhenoms through the handler: the caller's rows, uploads detected and recorded, presigned GETs."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.kit.events import action_body, function_url_event, handler_reply
from tests.kit.fixture_values import MEDIA_BUCKET

pytestmark = pytest.mark.unit


def _media(phenom_id: str, order: int, state: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "sort_order": order,
        "original_filename": f"file-{order}.jpg",
        "s3_key": f"media/{phenom_id}/{order}_{phenom_id}_file-{order}.jpg",
        "upload_state": state,
    }


def _phenom_row(media_states: list[str]) -> dict:
    phenom_id = str(uuid.uuid4())
    return {
        "id": phenom_id,
        "lat": 1.5,
        "lng": -2.5,
        "media_type": "image",
        "created_at": "2026-01-01T00:00:00+00:00",
        "media": [_media(phenom_id, order, state) for order, state in enumerate(media_states)],
    }


def _marks_uploaded(variables: dict) -> tuple[int, dict]:
    """Hasura's answer to MarkMediaUploaded: every id it was given was pending."""
    return 200, {"data": {"update_phenom_media": {"affected_rows": len(variables["ids"])}}}


def _get(token, action_input=None):
    event = function_url_event(action_body("getPhenoms", {} if action_input is None else action_input), token)
    return handler_reply(event)


@pytest.fixture
def stored_rows(fake_hasura):
    """Two phenoms in the fake Hasura: one with a pending and an uploaded media, one without media."""
    rows = [_phenom_row(["pending", "uploaded"]), _phenom_row([])]
    fake_hasura.answer("GetPhenoms", {"phenoms": rows})
    fake_hasura.answer("MarkMediaUploaded", _marks_uploaded)
    return rows


def test_query_is_the_callers_rows_with_the_default_limit(action_services, fake_hasura, stored_rows, id_token):
    _get(id_token.token)
    assert fake_hasura.calls[0].variables == {"ownerId": id_token.sub, "limit": 20}


def test_limit_is_passed_through(action_services, fake_hasura, stored_rows, id_token):
    _get(id_token.token, {"limit": 7})
    assert fake_hasura.calls[0].variables["limit"] == 7


def test_bad_limit_is_refused_before_any_query(action_services, fake_hasura, stored_rows, id_token):
    status, error = _get(id_token.token, {"limit": 101})
    assert (status, error["extensions"]["code"]) == (400, "validation-failed")
    assert fake_hasura.calls == []


def test_output_matches_the_phenom_type(action_services, stored_rows, id_token):
    status, phenoms = _get(id_token.token)
    assert status == 200
    first, second = phenoms
    assert {key: first[key] for key in ("id", "lat", "lng", "media_type", "created_at")} == {
        key: stored_rows[0][key] for key in ("id", "lat", "lng", "media_type", "created_at")
    }
    assert [(media["filename"], media["sort_order"], media["key"]) for media in first["media"]] == [
        (row["original_filename"], row["sort_order"], row["s3_key"]) for row in stored_rows[0]["media"]
    ]
    assert first["signed_uri"] == first["media"][0]["signed_uri"]
    assert (second["media"], second["signed_uri"]) == ([], None)


def test_signed_uris_are_hour_long_presigned_gets(action_services, stored_rows, id_token):
    _, phenoms = _get(id_token.token)
    for media in phenoms[0]["media"]:
        url = urlsplit(media["signed_uri"])
        assert url.path.endswith(media["key"])
        assert parse_qs(url.query)["X-Amz-Expires"] == ["3600"]


def test_pending_media_whose_object_exists_is_recorded_as_uploaded(
    action_services, fake_hasura, stored_rows, s3, id_token
):
    # GIVEN the pending media's object has been uploaded since createPhenom
    pending = stored_rows[0]["media"][0]
    s3.put_object(Bucket=MEDIA_BUCKET, Key=pending["s3_key"], Body=b"bytes")
    # WHEN the caller lists their phenoms
    _, phenoms = _get(id_token.token)
    # THEN one admin update flipped exactly that media, and the answer already says uploaded
    assert fake_hasura.operations() == ["GetPhenoms", "MarkMediaUploaded"]
    assert fake_hasura.calls[1].variables == {"ids": [pending["id"]]}
    assert [media["upload_state"] for media in phenoms[0]["media"]] == ["uploaded", "uploaded"]


def test_pending_media_without_object_stays_pending_and_nothing_is_updated(
    action_services, fake_hasura, stored_rows, s3, id_token
):
    _, phenoms = _get(id_token.token)
    assert fake_hasura.operations() == ["GetPhenoms"]
    assert phenoms[0]["media"][0]["upload_state"] == "pending"


def test_many_pending_media_are_each_matched_to_their_own_object(action_services, fake_hasura, s3, id_token):
    # GIVEN more pending files than are checked at once, every third of them uploaded
    row = _phenom_row(["pending"] * 20)
    fake_hasura.answer("GetPhenoms", {"phenoms": [row]})
    fake_hasura.answer("MarkMediaUploaded", _marks_uploaded)
    uploaded = row["media"][::3]
    for media in uploaded:
        s3.put_object(Bucket=MEDIA_BUCKET, Key=media["s3_key"], Body=b"bytes")
    # WHEN the caller lists their phenoms
    _, phenoms = _get(id_token.token)
    # THEN exactly the uploaded ones are recorded and reported as uploaded, in their own places
    assert fake_hasura.calls[1].variables == {"ids": sorted(media["id"] for media in uploaded)}
    expected = ["uploaded" if order % 3 == 0 else "pending" for order in range(20)]
    assert [media["upload_state"] for media in phenoms[0]["media"]] == expected
