"""deletePhenom through the handler: owner only, the row claimed, every object version removed, then the row."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from lambdas.action_handler.time_budget import DELETION_LEASE_SECONDS
from tests.kit.events import action_body, function_url_event, handler_reply
from tests.kit.fixture_values import MEDIA_BUCKET

pytestmark = pytest.mark.unit


def _delete(token, phenom_id):
    event = function_url_event(action_body("deletePhenom", {"phenomId": phenom_id}), token)
    return handler_reply(event)


@pytest.fixture
def versioned_bucket(s3):
    """The media bucket with versioning on, as in prod."""
    s3.put_bucket_versioning(Bucket=MEDIA_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return s3


def test_delete_removes_every_version_and_marker_then_the_row(
    action_services, fake_hasura, versioned_bucket, owned_row, owned_phenom, id_token
):
    # GIVEN two objects under the phenom's prefix, one overwritten and one already "deleted" (a delete marker)
    prefix = f"media/{owned_phenom}/"
    for body in (b"v1", b"v2"):
        versioned_bucket.put_object(Bucket=MEDIA_BUCKET, Key=f"{prefix}0_{owned_phenom}_a.jpg", Body=body)
    versioned_bucket.put_object(Bucket=MEDIA_BUCKET, Key=f"{prefix}1_{owned_phenom}_b.jpg", Body=b"b")
    versioned_bucket.delete_object(Bucket=MEDIA_BUCKET, Key=f"{prefix}1_{owned_phenom}_b.jpg")
    # AND an object of another phenom
    other_key = f"media/{uuid.uuid4()}/0_x_c.jpg"
    versioned_bucket.put_object(Bucket=MEDIA_BUCKET, Key=other_key, Body=b"c")
    # WHEN the owner deletes the phenom
    status, output = _delete(id_token.token, owned_phenom)
    # THEN both keys are gone with all their versions, the other phenom's object stays, and the row is deleted
    assert (status, output) == (200, {"phenomId": owned_phenom, "deletedObjects": 2})
    left = versioned_bucket.list_object_versions(Bucket=MEDIA_BUCKET)
    assert [version["Key"] for version in left.get("Versions", [])] == [other_key]
    assert left.get("DeleteMarkers", []) == []
    assert fake_hasura.operations() == ["ClaimPhenomDeletion", "DeletePhenom"]
    claim, delete = (call.variables for call in fake_hasura.calls)
    assert (claim["id"], claim["ownerId"]) == (owned_phenom, id_token.sub)
    assert delete == {"id": owned_phenom, "claimedAt": claim["now"]}
    assert owned_row["deleted"] is True


def test_delete_of_a_phenom_without_objects_deletes_the_row(action_services, fake_hasura, s3, owned_phenom, id_token):
    status, output = _delete(id_token.token, owned_phenom)
    assert (status, output["deletedObjects"]) == (200, 0)
    assert fake_hasura.operations() == ["ClaimPhenomDeletion", "DeletePhenom"]


def test_someone_elses_phenom_and_a_missing_one_look_the_same(action_services, fake_hasura, s3, owned_row, id_token):
    # GIVEN a phenom owned by someone else, with an object, and an id that does not exist
    theirs, missing = str(uuid.uuid4()), str(uuid.uuid4())
    owned_row.update(id=theirs, owner_id=str(uuid.uuid4()))
    key = f"media/{theirs}/0_{theirs}_a.jpg"
    s3.put_object(Bucket=MEDIA_BUCKET, Key=key, Body=b"theirs")
    s3.put_object(Bucket=MEDIA_BUCKET, Key=f"media/{missing}/0_{missing}_a.jpg", Body=b"left by nobody")
    # WHEN the caller tries to delete each
    replies = [_delete(id_token.token, phenom_id) for phenom_id in (theirs, missing)]
    # THEN both are 404 not-found with the same wording, the claim was refused and nothing was deleted anywhere
    assert [(status, error["extensions"]["code"]) for status, error in replies] == [(404, "not-found")] * 2
    assert [error["message"].replace(theirs, "<id>").replace(missing, "<id>") for _, error in replies] == [
        "phenom <id> not found"
    ] * 2
    assert fake_hasura.operations() == ["ClaimPhenomDeletion", "ClaimPhenomDeletion"]
    assert (owned_row["deleted"], owned_row["deletion_started_at"]) == (False, None)
    assert s3.list_objects_v2(Bucket=MEDIA_BUCKET)["KeyCount"] == 2


def test_bad_phenom_id_is_refused_before_any_lookup(action_services, fake_hasura, id_token):
    status, error = _delete(id_token.token, "../other")
    assert (status, error["extensions"]["code"]) == (400, "validation-failed")
    assert fake_hasura.calls == []


def test_a_delete_that_finds_the_row_claimed_is_not_found_and_leaves_the_objects_to_the_claimant(
    action_services, fake_hasura, s3, owned_row, owned_phenom, id_token
):
    # GIVEN an uploaded object, and another delete of the same phenom that claimed the row a moment ago
    key = f"media/{owned_phenom}/0_{owned_phenom}_a.jpg"
    s3.put_object(Bucket=MEDIA_BUCKET, Key=key, Body=b"a")
    other_claim = datetime.now(UTC).isoformat()
    owned_row["deletion_started_at"] = other_claim
    status, output = _delete(id_token.token, owned_phenom)
    # THEN this one answers not-found and has touched neither the object nor the claim (the claimant reports it)
    assert (status, output["extensions"]["code"]) == (404, "not-found")
    assert [item["Key"] for item in s3.list_objects_v2(Bucket=MEDIA_BUCKET).get("Contents", [])] == [key]
    assert fake_hasura.operations() == ["ClaimPhenomDeletion"]
    assert (owned_row["deleted"], owned_row["deletion_started_at"]) == (False, other_claim)


def test_a_claim_older_than_the_lease_is_taken_over_and_the_delete_finishes(
    action_services, fake_hasura, s3, owned_row, owned_phenom, id_token
):
    # GIVEN an object, and the claim of a delete that crashed longer ago than the lease
    s3.put_object(Bucket=MEDIA_BUCKET, Key=f"media/{owned_phenom}/0_{owned_phenom}_a.jpg", Body=b"a")
    crashed = datetime.now(UTC) - timedelta(seconds=DELETION_LEASE_SECONDS + 1)
    owned_row["deletion_started_at"] = crashed.isoformat()
    # WHEN the owner deletes the phenom again  THEN this delete takes the claim over and finishes
    status, output = _delete(id_token.token, owned_phenom)
    assert (status, output) == (200, {"phenomId": owned_phenom, "deletedObjects": 1})
    assert owned_row["deleted"] is True
    assert s3.list_objects_v2(Bucket=MEDIA_BUCKET, Prefix=f"media/{owned_phenom}/")["KeyCount"] == 0


def test_a_delete_whose_claim_another_delete_took_over_meanwhile_is_not_found(
    action_services, fake_hasura, owned_phenom, id_token
):
    # GIVEN the row's claim outlived its lease while the objects were deleted, and another delete took it over, so
    # the row is no longer this delete's to remove
    fake_hasura.answer("DeletePhenom", lambda variables: (200, {"data": {"delete_phenoms": {"affected_rows": 0}}}))
    # WHEN this delete finishes  THEN it answers not-found, as a delete that found the row claimed does
    status, error = _delete(id_token.token, owned_phenom)
    assert (status, error) == (
        404,
        {"message": f"phenom {owned_phenom} not found", "extensions": {"code": "not-found"}},
    )
