"""The API's answers read into records: every field taken from where the documents put it, and an answer missing one
named by where it is missing."""

from __future__ import annotations

import copy

import pytest

from phenom_client.errors import GraphQLRequestFailed
from phenom_client.models import (
    CreatedPhenom,
    DeletedPhenom,
    Phenom,
    PhenomMedia,
    PresignedUpload,
    created_phenom,
    deleted_phenom,
    listed_phenoms,
)

pytestmark = pytest.mark.unit

CREATED = {
    "createPhenom": {
        "phenomId": "p-1",
        "uploads": [
            {"filename": "a.txt", "key": "media/p-1/a.txt", "uploadUrl": "http://example.invalid/put-a"},
            {"filename": "b.txt", "key": "media/p-1/b.txt", "uploadUrl": "http://example.invalid/put-b"},
        ],
    }
}
MEDIA = {
    "filename": "a.txt",
    "sort_order": 0,
    "key": "media/p-1/a.txt",
    "upload_state": "uploaded",
    "signed_uri": "http://example.invalid/get-a",
}
ROW = {
    "id": "p-1",
    "lat": 0.0,
    "lng": -0.5,
    "media_type": "image",
    "created_at": "2025-11-27T06:00:00+00:00",
    "signed_uri": "http://example.invalid/get-a",
    "media": [MEDIA],
}
DELETED = {"deletePhenom": {"phenomId": "p-1", "deletedObjects": 0}}
ADVICE = "the API no longer matches phenom_client/documents; compare them with hasura/metadata/actions.graphql"


def without(answer: dict, *path: str | int) -> dict:
    """A copy of `answer` with the member at `path` removed."""
    trimmed = copy.deepcopy(answer)
    holder = trimmed
    for step in path[:-1]:
        holder = holder[step]
    del holder[path[-1]]
    return trimmed


def nulled(answer: dict, *path: str | int) -> dict:
    """A copy of `answer` with the member at `path` set to null."""
    changed = copy.deepcopy(answer)
    holder = changed
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = None
    return changed


def test_created_phenom_reads_the_id_and_every_upload_in_order():
    assert created_phenom(CREATED) == CreatedPhenom(
        "p-1",
        (
            PresignedUpload("a.txt", "media/p-1/a.txt", "http://example.invalid/put-a"),
            PresignedUpload("b.txt", "media/p-1/b.txt", "http://example.invalid/put-b"),
        ),
    )


def test_listed_phenoms_reads_every_field_of_rows_and_media():
    second = {**ROW, "id": "p-2", "lat": 51.5, "media_type": "video", "media": []}
    assert listed_phenoms({"getPhenoms": [ROW, second]}) == (
        Phenom(
            id="p-1",
            lat=0.0,
            lng=-0.5,
            media_type="image",
            created_at="2025-11-27T06:00:00+00:00",
            signed_uri="http://example.invalid/get-a",
            media=(PhenomMedia("a.txt", "media/p-1/a.txt", 0, "uploaded", "http://example.invalid/get-a"),),
        ),
        Phenom("p-2", 51.5, -0.5, "video", "2025-11-27T06:00:00+00:00", "http://example.invalid/get-a", ()),
    )


@pytest.mark.parametrize("answer", [without(ROW, "signed_uri"), nulled(ROW, "signed_uri")], ids=["absent", "null"])
def test_a_listed_phenom_without_a_signed_uri_reads_as_none(answer):
    (row,) = listed_phenoms({"getPhenoms": [answer]})
    assert row.signed_uri is None


def test_deleted_phenom_reads_the_id_and_a_count_of_zero():
    assert deleted_phenom(DELETED) == DeletedPhenom("p-1", 0)
    assert deleted_phenom({"deletePhenom": {"phenomId": "p-1", "deletedObjects": 3}}).deleted_objects == 3


@pytest.mark.parametrize(
    ("read", "answer", "where", "missing"),
    [
        (created_phenom, {}, "createPhenom", "createPhenom"),
        (created_phenom, {"createPhenom": None}, "createPhenom", "createPhenom"),
        (created_phenom, {"createPhenom": "p-1"}, "createPhenom", "phenomId"),
        (created_phenom, without(CREATED, "createPhenom", "phenomId"), "createPhenom", "phenomId"),
        (created_phenom, without(CREATED, "createPhenom", "uploads"), "createPhenom", "uploads"),
        (
            created_phenom,
            without(CREATED, "createPhenom", "uploads", 1, "filename"),
            "createPhenom.uploads[]",
            "filename",
        ),
        (created_phenom, without(CREATED, "createPhenom", "uploads", 0, "key"), "createPhenom.uploads[]", "key"),
        (
            created_phenom,
            nulled(CREATED, "createPhenom", "uploads", 0, "uploadUrl"),
            "createPhenom.uploads[]",
            "uploadUrl",
        ),
        (created_phenom, nulled(CREATED, "createPhenom", "uploads", 0), "createPhenom.uploads[]", "filename"),
        (listed_phenoms, {}, "getPhenoms", "getPhenoms"),
        (listed_phenoms, {"getPhenoms": [None]}, "getPhenoms[]", "id"),
        *[
            (listed_phenoms, {"getPhenoms": [without(ROW, name)]}, "getPhenoms[]", name)
            for name in ("id", "lat", "lng", "media_type", "created_at", "media")
        ],
        *[
            (listed_phenoms, {"getPhenoms": [without(ROW, "media", 0, name)]}, "getPhenoms[].media[]", name)
            for name in ("filename", "sort_order", "key", "upload_state", "signed_uri")
        ],
        (listed_phenoms, {"getPhenoms": [nulled(ROW, "media", 0)]}, "getPhenoms[].media[]", "filename"),
        (deleted_phenom, {"deletePhenom": None}, "deletePhenom", "deletePhenom"),
        (deleted_phenom, without(DELETED, "deletePhenom", "phenomId"), "deletePhenom", "phenomId"),
        (deleted_phenom, nulled(DELETED, "deletePhenom", "deletedObjects"), "deletePhenom", "deletedObjects"),
    ],
)
def test_an_answer_missing_a_field_names_the_field_and_where_it_is_missing(read, answer, where, missing):
    with pytest.raises(GraphQLRequestFailed) as failure:
        read(answer)
    assert str(failure.value) == f"{where} answered without {missing}: {ADVICE}"
    assert (failure.value.code, failure.value.transient) == (None, False)
