"""deletePhenom stopped half-way (S3 refuses a version, the deadline runs out between batches): the row outlives
every object it points to, its claim is released, and a retry finishes the job."""

from __future__ import annotations

import json

import pytest

from lambdas.action_handler import storage
from lambdas.action_handler.auth import Caller
from lambdas.action_handler.delete_phenom import delete_phenom
from lambdas.action_handler.time_budget import RELEASE_SECONDS
from lambdas.shared.deadline import Deadline, DeadlineExceeded
from tests.kit.events import action_body, function_url_event, handler_reply
from tests.kit.fake_hasura import graphql_error
from tests.kit.fixture_values import MEDIA_BUCKET

pytestmark = pytest.mark.unit


class _DeadlineAfterCalls(Deadline):
    """A deadline with plenty of time for its first `calls` checks, spent from the next one on."""

    def __init__(self, calls: int) -> None:
        super().__init__(60.0)
        self._calls_left = calls

    def remaining(self) -> float:
        self._calls_left -= 1
        if self._calls_left < 0:
            raise DeadlineExceeded("time budget spent")
        return super().remaining()


@pytest.fixture
def locked_bucket(s3):
    """The media bucket recreated with versioning and object lock, so a legal hold makes S3 refuse a version."""
    s3.delete_bucket(Bucket=MEDIA_BUCKET)
    s3.create_bucket(Bucket=MEDIA_BUCKET, ObjectLockEnabledForBucket=True)
    return s3


def _keys_left(s3, prefix: str) -> list[str]:
    listing = s3.list_object_versions(Bucket=MEDIA_BUCKET, Prefix=prefix)
    return sorted(version["Key"] for version in listing.get("Versions", []))


def _delete(token: str, phenom_id: str):
    return handler_reply(function_url_event(action_body("deletePhenom", {"phenomId": phenom_id}), token))


def test_a_version_s3_refuses_keeps_the_row_and_a_retry_finishes(
    action_services, fake_hasura, locked_bucket, owned_row, owned_phenom, id_token, log_lines
):
    # GIVEN three objects of the phenom, the middle one under a legal hold S3 will not delete through
    prefix = f"media/{owned_phenom}/"
    keys = [f"{prefix}{order}_{owned_phenom}_{name}.jpg" for order, name in enumerate("abc")]
    for key in keys:
        hold = "ON" if key == keys[1] else "OFF"
        locked_bucket.put_object(Bucket=MEDIA_BUCKET, Key=key, Body=b"bytes", ObjectLockLegalHoldStatus=hold)
    # WHEN the owner deletes the phenom
    status, error = _delete(id_token.token, owned_phenom)
    # THEN the call fails, the objects S3 could delete are gone, the held one stays, and the row stays, unclaimed
    assert (status, error["extensions"]["code"]) == (400, "unexpected")
    assert _keys_left(locked_bucket, prefix) == [keys[1]]
    assert fake_hasura.operations() == ["ClaimPhenomDeletion", "ReleasePhenomDeletion"]
    assert (owned_row["deleted"], owned_row["deletion_started_at"]) == (False, None)
    # AND the log says how many versions S3 kept, where, and S3's own reason
    exception = json.loads(log_lines[-1])["exception"]
    assert (
        f"MediaDeletionError: S3 kept 1 object versions under {prefix} (first: AccessDenied Access Denied" in exception
    )
    assert exception.endswith("); check the handler's s3:DeleteObjectVersion permission")
    # AND once the hold is lifted, the same delete removes the last object and then the row
    locked_bucket.put_object_legal_hold(Bucket=MEDIA_BUCKET, Key=keys[1], LegalHold={"Status": "OFF"})
    status, output = _delete(id_token.token, owned_phenom)
    assert (status, output) == (200, {"phenomId": owned_phenom, "deletedObjects": 1})
    assert _keys_left(locked_bucket, prefix) == []
    assert fake_hasura.operations()[2:] == ["ClaimPhenomDeletion", "DeletePhenom"]
    assert owned_row["deleted"] is True


def test_a_deadline_spent_between_batches_keeps_the_row(
    action_services, fake_hasura, s3, owned_row, owned_phenom, id_token, monkeypatch
):
    # GIVEN three objects deleted one per DeleteObjects call, and a deadline that runs out after the first call:
    # one check for the claim, one before listing, one per listed page, one per batch
    monkeypatch.setattr(storage, "_DELETE_BATCH", 1)
    prefix = f"media/{owned_phenom}/"
    keys = [f"{prefix}{order}_{owned_phenom}_{name}.jpg" for order, name in enumerate("abc")]
    for key in keys:
        s3.put_object(Bucket=MEDIA_BUCKET, Key=key, Body=b"bytes")
    caller = Caller(sub=id_token.sub, email=id_token.email)
    # WHEN deletePhenom runs out of time half-way
    with pytest.raises(DeadlineExceeded):
        delete_phenom(caller, {"phenomId": owned_phenom}, action_services, _DeadlineAfterCalls(4))
    # THEN it stopped after deleting some objects but not all, and the row is still there, unclaimed, to be retried
    assert _keys_left(s3, prefix) == keys[1:]
    assert fake_hasura.operations() == ["ClaimPhenomDeletion", "ReleasePhenomDeletion"]
    assert (owned_row["deleted"], owned_row["deletion_started_at"]) == (False, None)
    # AND a retry with time enough deletes the rest, then the row
    output = delete_phenom(caller, {"phenomId": owned_phenom}, action_services, Deadline(60.0))
    assert output == {"phenomId": owned_phenom, "deletedObjects": 2}
    assert _keys_left(s3, prefix) == []
    assert fake_hasura.operations()[2:] == ["ClaimPhenomDeletion", "DeletePhenom"]
    assert owned_row["deleted"] is True


def test_every_hasura_call_is_bounded_by_the_deadline(
    action_services, fake_hasura, s3, owned_phenom, id_token, hasura_timeouts
):
    caller = Caller(sub=id_token.sub, email=id_token.email)
    # WHEN deletePhenom runs with 30 s left
    delete_phenom(caller, {"phenomId": owned_phenom}, action_services, Deadline(30.0))
    # THEN both calls (claim, delete) waited at most what was left, never the client's own default
    assert len(hasura_timeouts) == 2 and all(timeout is not None and 0 < timeout <= 30.0 for timeout in hasura_timeouts)


def test_a_claim_that_cannot_be_released_is_left_to_its_lease(
    action_services, fake_hasura, s3, owned_row, owned_phenom, id_token, monkeypatch, log_lines
):
    # GIVEN a delete that runs out of time half-way, and a Hasura that refuses the release of its claim
    monkeypatch.setattr(storage, "_DELETE_BATCH", 1)
    prefix = f"media/{owned_phenom}/"
    keys = [f"{prefix}{order}_{owned_phenom}_{name}.jpg" for order, name in enumerate("ab")]
    for key in keys:
        s3.put_object(Bucket=MEDIA_BUCKET, Key=key, Body=b"bytes")
    fake_hasura.answer("ReleasePhenomDeletion", graphql_error("unexpected", "database query error"))
    caller = Caller(sub=id_token.sub, email=id_token.email)
    # WHEN deletePhenom fails  THEN the caller sees the first failure, not the release's
    with pytest.raises(DeadlineExceeded):
        delete_phenom(caller, {"phenomId": owned_phenom}, action_services, _DeadlineAfterCalls(4))
    # AND the row stays with what is left, still claimed, and the log says the lease will end the claim
    assert _keys_left(s3, prefix) == keys[1:]
    assert owned_row["deleted"] is False and owned_row["deletion_started_at"] is not None
    warning = json.loads(log_lines[-1])
    assert warning["message"] == "deletion claim not released; it expires with its lease"
    assert warning["phenom_id"] == owned_phenom
    assert warning["error"] == "unexpected: database query error"


def test_the_release_of_a_failed_deletes_claim_waits_at_most_its_own_reserve(
    action_services, fake_hasura, s3, owned_phenom, id_token, hasura_timeouts
):
    # GIVEN a delete whose deadline is spent before S3 is listed, so only the claim and its release reach Hasura
    caller = Caller(sub=id_token.sub, email=id_token.email)
    with pytest.raises(DeadlineExceeded):
        delete_phenom(caller, {"phenomId": owned_phenom}, action_services, _DeadlineAfterCalls(1))
    # THEN the release, made after the deadline, waited at most RELEASE_SECONDS (kept free for it), not the client's
    # own longer default
    assert hasura_timeouts[1:] == [RELEASE_SECONDS]
