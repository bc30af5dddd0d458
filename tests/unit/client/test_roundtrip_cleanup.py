"""The round-trip with a fake client: the steps' order, the checks they make, and cleanup after any failure."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

import pytest

from phenom_client.environments import load_environment
from phenom_client.errors import GraphQLRequestFailed, TransferFailed
from phenom_client.models import CreatedPhenom, DeletedPhenom, Phenom, PhenomMedia, PresignedUpload
from phenom_client.roundtrip import TEST_DATA_PREFIX, SmokeObject, run_roundtrip
from phenom_client.steps import StepStatus

pytestmark = pytest.mark.unit

PHENOM_ID = "11111111-2222-4333-8444-555555555555"
OTHER_ID = "99999999-8888-4777-8666-555555555555"


@dataclass
class FakeClient:
    """An in-memory Phenom API; `fail` maps a method name to the error it raises."""

    fail: dict[str, Exception] = field(default_factory=dict)
    create_lands_despite_failure: bool = False
    env: object = field(default_factory=lambda: load_environment("prod"))
    on_attempt: object = None
    rows: dict[str, Phenom] = field(default_factory=dict)
    objects: dict[str, bytes] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def _maybe_fail(self, name: str) -> None:
        self.calls.append(name)
        if name in self.fail:
            raise self.fail[name]

    def sign_in(self) -> None:
        self._maybe_fail("sign_in")

    def create_phenom(self, filenames) -> CreatedPhenom:
        if self.create_lands_despite_failure:
            self._store(filenames)
        self._maybe_fail("create_phenom")
        self._store(filenames)
        return CreatedPhenom(
            PHENOM_ID, tuple(PresignedUpload(name, f"media/{PHENOM_ID}/0_{name}", "put-url") for name in filenames)
        )

    def _store(self, filenames) -> None:
        media = tuple(PhenomMedia(name, f"k{i}", i, "pending", "get-url") for i, name in enumerate(filenames))
        self.rows[PHENOM_ID] = Phenom(PHENOM_ID, 0.0, 0.0, "image", "now", "get-url", media)

    def upload(self, upload, data: bytes) -> None:
        self._maybe_fail("upload")
        self.objects[upload.upload_url] = data

    def get_phenoms(self, *, limit: int = 20):
        self._maybe_fail("get_phenoms")
        return tuple(self.rows.values())

    def download(self, signed_uri: str) -> bytes:
        self._maybe_fail("download")
        return self.objects.get("put-url", b"")

    def delete_phenom(self, phenom_id: str) -> DeletedPhenom:
        self._maybe_fail("delete_phenom")
        self.rows.pop(phenom_id, None)
        return DeletedPhenom(phenom_id, 1)


def test_a_passing_round_trip_runs_six_steps_and_leaves_nothing():
    client = FakeClient()
    outcome = run_roundtrip(client)
    assert outcome.passed and outcome.failure is None and outcome.cleanup is None
    assert [record.status for record in outcome.steps.records] == [StepStatus.PASSED] * 6
    assert client.rows == {}


def test_the_test_object_is_unique_and_recognisable():
    first, second = SmokeObject.new(), SmokeObject.new()
    assert first.filename != second.filename
    assert first.filename.startswith(TEST_DATA_PREFIX) and first.filename.endswith(".txt")
    assert first.run_id.encode() in first.content
    assert first.sha256 == hashlib.sha256(first.content).hexdigest()


def test_a_failed_upload_still_deletes_the_created_phenom():
    # GIVEN a client whose PUT is refused
    client = FakeClient(fail={"upload": TransferFailed("PUT returned 403 SignatureDoesNotMatch", status=403)})
    # WHEN the round-trip runs
    outcome = run_roundtrip(client)
    # THEN step 3 failed, 4-6 did not run, and cleanup deleted the phenom
    assert outcome.failure == "step 3/6 upload: PUT returned 403 SignatureDoesNotMatch"
    assert [r.status for r in outcome.steps.records][3:] == [StepStatus.NOT_RUN] * 3
    assert client.rows == {}
    assert outcome.cleanup.startswith(f"deleted phenom {PHENOM_ID}")


def test_a_failed_sign_in_needs_no_cleanup():
    client = FakeClient(fail={"sign_in": GraphQLRequestFailed("Cognito refused")})
    outcome = run_roundtrip(client)
    assert outcome.cleanup is None
    assert "delete_phenom" not in client.calls


def test_an_unanswered_create_is_found_by_its_filename_and_deleted():
    # GIVEN createPhenom's answer is lost after the row was written
    client = FakeClient(
        fail={"create_phenom": GraphQLRequestFailed("createPhenom got HTTP 504", transient=True)},
        create_lands_despite_failure=True,
    )
    outcome = run_roundtrip(client)
    assert outcome.failure.startswith("step 2/6 createPhenom:")
    assert client.rows == {}
    assert outcome.cleanup.startswith(f"deleted phenom {PHENOM_ID}")


@pytest.mark.parametrize(
    "lost_answer",
    [
        GraphQLRequestFailed("createPhenom got HTTP 504", code="504", transient=True),
        # What Hasura answers (HTTP 200) when the Lambda died or stalled with the insert in flight.
        GraphQLRequestFailed(
            "createPhenom answered unexpected: http exception when calling webhook", code="unexpected"
        ),
        GraphQLRequestFailed("createPhenom answered timeout: action handler ran out of time", code="timeout"),
    ],
    ids=["gateway-timeout", "webhook-exception", "handler-timeout"],
)
def test_any_create_whose_outcome_is_unknown_is_searched_for_and_deleted(lost_answer):
    # GIVEN createPhenom's row was written but its answer is lost
    client = FakeClient(fail={"create_phenom": lost_answer}, create_lands_despite_failure=True)
    outcome = run_roundtrip(client)
    # THEN cleanup found the row by the run's unique filename and deleted it, and says so
    assert client.rows == {}
    assert outcome.create_outcome_unknown
    assert outcome.cleanup.startswith(f"deleted phenom {PHENOM_ID} ({outcome.test_object.filename})")
    assert "outcome was unknown" in outcome.cleanup


def test_a_create_refused_before_any_write_is_not_searched_for():
    client = FakeClient(fail={"create_phenom": GraphQLRequestFailed("bad lat", code="validation-failed")})
    outcome = run_roundtrip(client)
    assert not outcome.create_outcome_unknown and outcome.cleanup is None
    assert client.calls.count("get_phenoms") == 0


def test_a_cleanup_that_fails_says_what_is_left_and_how_to_remove_it():
    refusal = GraphQLRequestFailed("deletePhenom answered unexpected: action handler failed")
    client = FakeClient(fail={"download": TransferFailed("GET returned 404 NoSuchKey"), "delete_phenom": refusal})
    outcome = run_roundtrip(client)
    assert outcome.cleanup == (
        f"could not delete phenom {PHENOM_ID} ({outcome.test_object.filename}): "
        "deletePhenom answered unexpected: action handler failed; "
        "delete it with deletePhenom as test@thephenom.app on --env prod"
    )


def test_a_found_row_of_an_unanswered_create_that_cannot_be_deleted_is_named_with_the_refusal():
    # GIVEN a create whose answer is lost after its row was written, and a delete that is refused
    client = FakeClient(
        fail={
            "create_phenom": GraphQLRequestFailed("createPhenom got HTTP 504", transient=True),
            "delete_phenom": GraphQLRequestFailed("deletePhenom answered access-denied: not yours"),
        },
        create_lands_despite_failure=True,
    )
    # WHEN the round-trip runs
    outcome = run_roundtrip(client)
    # THEN cleanup names the row it found, the run's file, the refusal and how to delete the row by hand
    assert outcome.cleanup == (
        f"could not delete phenom {PHENOM_ID} ({outcome.test_object.filename}): "
        "deletePhenom answered access-denied: not yours; "
        "delete it with deletePhenom as test@thephenom.app on --env prod"
    )


def test_every_row_an_unanswered_create_left_is_deleted_and_listed():
    # GIVEN a create whose answer is lost and which left two rows with the run's file (a retry behind a gateway)
    client = FakeClient(
        fail={"create_phenom": GraphQLRequestFailed("createPhenom got HTTP 504", transient=True)},
        create_lands_despite_failure=True,
    )
    store_once = client._store

    def store_twice(filenames) -> None:
        store_once(filenames)
        client.rows[OTHER_ID] = replace(client.rows[PHENOM_ID], id=OTHER_ID)

    client._store = store_twice  # type: ignore[method-assign]
    # WHEN the round-trip runs
    outcome = run_roundtrip(client)
    # THEN cleanup deleted both and names both
    assert client.rows == {}
    assert outcome.cleanup == (
        f"deleted phenom {PHENOM_ID}, {OTHER_ID} ({outcome.test_object.filename}): createPhenom's outcome was "
        "unknown and getPhenoms listed 2 phenom(s) with that file"
    )


def test_different_downloaded_bytes_fail_step_five_with_both_digests():
    client = FakeClient()
    client.download = lambda signed_uri: b"other bytes"  # type: ignore[method-assign]
    outcome = run_roundtrip(client)
    assert outcome.failure.startswith("step 5/6 download: GET returned 11 bytes with sha256 ")
    assert client.rows == {}


def test_a_row_still_listed_after_delete_fails_step_six():
    client = FakeClient()
    client.delete_phenom = lambda phenom_id: DeletedPhenom(phenom_id, 1)  # type: ignore[method-assign]
    outcome = run_roundtrip(client)
    assert (
        outcome.failure == f"step 6/6 deletePhenom: deletePhenom answered but getPhenoms still lists phenom {PHENOM_ID}"
    )


def test_the_client_observer_is_restored_after_the_round_trip():
    client = FakeClient()
    previous = object()
    client.on_attempt = previous
    run_roundtrip(client)
    assert client.on_attempt is previous
