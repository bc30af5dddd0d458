"""The checks that decide whether the smoke round-trip passed, fed answers a weaker check would let through: bytes of
the right length but not the uploaded ones, a row that only looks like ours, a deletePhenom that did not delete."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from phenom_client.errors import GraphQLRequestFailed
from phenom_client.models import DeletedPhenom
from phenom_client.retry import Attempt
from phenom_client.roundtrip import LIST_LIMIT, SmokeObject, run_roundtrip
from phenom_client.steps import StepStatus
from tests.unit.client.test_roundtrip_cleanup import PHENOM_ID, FakeClient

pytestmark = pytest.mark.unit

OTHER_ID = "99999999-8888-4777-8666-555555555555"


def _statuses(outcome) -> list[StepStatus]:
    return [record.status for record in outcome.steps.records]


def _first_delete_replaced(first: Callable[[str], DeletedPhenom]) -> tuple[FakeClient, list[str]]:
    """A client whose first deletePhenom is `first` and later ones delete; and the ids each call was asked for."""
    client = FakeClient()
    real_delete = client.delete_phenom
    attempts: list[str] = []

    def delete(phenom_id: str) -> DeletedPhenom:
        attempts.append(phenom_id)
        return first(phenom_id) if len(attempts) == 1 else real_delete(phenom_id)

    client.delete_phenom = delete  # type: ignore[method-assign]
    return client, attempts


@pytest.mark.parametrize("position", [0, -1], ids=["first-byte", "last-byte"])
def test_a_download_of_the_same_length_with_other_bytes_fails_step_five(position: int):
    # GIVEN a GET that answers as many bytes as were uploaded, one of them different (a length or prefix check
    # would pass it)
    client = FakeClient()

    def altered(signed_uri: str) -> bytes:
        data = bytearray(client.objects["put-url"])
        data[position] ^= 0x01
        return bytes(data)

    client.download = altered  # type: ignore[method-assign]
    # WHEN the round-trip runs
    outcome = run_roundtrip(client)
    # THEN step 5 fails naming the same length on both sides, step 6 did not run, and cleanup deleted the phenom
    length = len(outcome.test_object.content)
    assert outcome.failure.startswith(f"step 5/6 download: GET returned {length} bytes with sha256 ")
    assert f"uploaded {length} bytes" in outcome.failure
    assert _statuses(outcome)[4:] == [StepStatus.FAILED, StepStatus.NOT_RUN]
    assert client.rows == {}
    assert outcome.cleanup.startswith(f"deleted phenom {PHENOM_ID}")


def test_the_exact_uploaded_bytes_pass_step_five():
    client = FakeClient()
    outcome = run_roundtrip(client)
    assert _statuses(outcome)[4] is StepStatus.PASSED


def test_a_failed_delete_step_is_cleaned_up_by_a_second_delete():
    # GIVEN a deletePhenom whose first call gets no answer (nothing deleted) and whose second call works
    def no_answer(phenom_id: str) -> DeletedPhenom:
        raise GraphQLRequestFailed("deletePhenom got HTTP 504", transient=True)

    client, attempts = _first_delete_replaced(no_answer)
    # WHEN the round-trip runs
    outcome = run_roundtrip(client)
    # THEN step 6 failed, and cleanup deleted the phenom with a second call
    assert outcome.failure == "step 6/6 deletePhenom: deletePhenom got HTTP 504"
    assert attempts == [PHENOM_ID, PHENOM_ID]
    assert client.rows == {}
    assert outcome.deleted and outcome.cleanup.startswith(f"deleted phenom {PHENOM_ID}")


@pytest.mark.parametrize("answer_for", [OTHER_ID, PHENOM_ID], ids=["answers-for-another-phenom", "deletes-nothing"])
def test_a_delete_answer_that_did_not_delete_ours_leads_to_cleanup(answer_for: str):
    # GIVEN a deletePhenom whose first answer leaves our row in place, and whose next call deletes it
    client, attempts = _first_delete_replaced(lambda phenom_id: DeletedPhenom(answer_for, 0))
    # WHEN the round-trip runs
    outcome = run_roundtrip(client)
    # THEN step 6 fails, and the phenom is not left behind: cleanup deleted it
    assert outcome.failure.startswith("step 6/6 deletePhenom: deletePhenom answered ")
    assert attempts == [PHENOM_ID, PHENOM_ID]
    assert client.rows == {}
    assert outcome.cleanup.startswith(f"deleted phenom {PHENOM_ID}")


def test_a_row_of_another_phenom_with_our_file_does_not_pass_step_four():
    # GIVEN getPhenoms lists a different phenom that carries our file name (a match on the file name would pass)
    client = FakeClient()
    stored_get = client.get_phenoms

    def lists_a_lookalike(*, limit: int = 20):
        return tuple(replace(row, id=OTHER_ID) for row in stored_get(limit=limit))

    client.get_phenoms = lists_a_lookalike  # type: ignore[method-assign]
    # WHEN the round-trip runs
    outcome = run_roundtrip(client)
    # THEN step 4 fails naming our id, and cleanup still deletes our phenom
    assert outcome.failure == f"step 4/6 getPhenoms: getPhenoms (newest 100) does not list phenom {PHENOM_ID}"
    assert client.rows == {}


def test_our_row_with_an_extra_file_does_not_pass_step_four():
    client = FakeClient()
    stored_get = client.get_phenoms

    def lists_an_extra_file(*, limit: int = 20):
        return tuple(replace(row, media=row.media + row.media) for row in stored_get(limit=limit))

    client.get_phenoms = lists_an_extra_file  # type: ignore[method-assign]
    outcome = run_roundtrip(client)
    assert outcome.failure.startswith(f"step 4/6 getPhenoms: getPhenoms lists phenom {PHENOM_ID} with media [")
    assert client.rows == {}


def test_every_listing_asks_for_the_largest_page():
    # A smaller page could miss the run's own row behind rows other runs created meanwhile.
    client = FakeClient(
        fail={"create_phenom": GraphQLRequestFailed("createPhenom got HTTP 504", transient=True)},
        create_lands_despite_failure=True,
    )
    limits: list[int] = []
    stored_get = client.get_phenoms

    def recording_get(*, limit: int = 20):
        limits.append(limit)
        return stored_get(limit=limit)

    client.get_phenoms = recording_get  # type: ignore[method-assign]
    run_roundtrip(client)
    passing = FakeClient()
    passing_get = passing.get_phenoms

    def recording_passing_get(*, limit: int = 20):
        limits.append(limit)
        return passing_get(limit=limit)

    passing.get_phenoms = recording_passing_get  # type: ignore[method-assign]
    assert run_roundtrip(passing).passed
    assert limits == [LIST_LIMIT] * 3


def test_the_download_is_of_the_listed_rows_signed_uri():
    client = FakeClient()
    asked: list[str] = []
    stored_download = client.download

    def recording_download(signed_uri: str) -> bytes:
        asked.append(signed_uri)
        return stored_download(signed_uri)

    client.download = recording_download  # type: ignore[method-assign]
    assert run_roundtrip(client).passed
    assert asked == ["get-url"]


def test_a_digest_mismatch_names_both_digests():
    client = FakeClient()
    client.download = lambda signed_uri: b"other bytes"  # type: ignore[method-assign]
    outcome = run_roundtrip(client)
    item = outcome.test_object
    got = hashlib.sha256(b"other bytes").hexdigest()
    assert outcome.failure == (
        f"step 5/6 download: GET returned 11 bytes with sha256 {got[:12]}..., "
        f"uploaded {len(item.content)} bytes with sha256 {item.sha256[:12]}..."
    )


def test_uploads_for_other_names_fail_step_two_and_are_cleaned_up():
    client = FakeClient()
    stored_create = client.create_phenom
    client.create_phenom = lambda filenames: stored_create(["someone-else.txt"])  # type: ignore[method-assign]
    outcome = run_roundtrip(client)
    assert outcome.failure == (
        "step 2/6 createPhenom: createPhenom returned uploads for ['someone-else.txt'], "
        f"expected exactly [{outcome.test_object.filename}]"
    )
    assert client.rows == {}


def test_a_listed_row_without_a_signed_uri_fails_step_four():
    client = FakeClient()
    stored_get = client.get_phenoms
    client.get_phenoms = lambda *, limit=20: tuple(replace(row, signed_uri=None) for row in stored_get(limit=limit))  # type: ignore[method-assign]
    outcome = run_roundtrip(client)
    assert outcome.failure == f"step 4/6 getPhenoms: getPhenoms lists phenom {PHENOM_ID} without a signed_uri"


def test_a_cleanup_that_cannot_find_an_unanswered_create_says_the_id_is_unknown():
    client = FakeClient(
        fail={
            "create_phenom": GraphQLRequestFailed("createPhenom got HTTP 504", transient=True),
            "get_phenoms": GraphQLRequestFailed("getPhenoms got HTTP 503", transient=True),
        }
    )
    outcome = run_roundtrip(client)
    assert outcome.cleanup.startswith(f"could not delete phenom (id unknown) ({outcome.test_object.filename}): ")


def test_the_clients_attempts_are_recorded_on_the_running_step():
    client = FakeClient()
    stored_sign_in = client.sign_in

    def signing_in() -> None:
        client.on_attempt(Attempt("InitiateAuth", 1, 5.0))
        stored_sign_in()

    client.sign_in = signing_in  # type: ignore[method-assign]
    outcome = run_roundtrip(client)
    assert [attempt.operation for attempt in outcome.steps.records[0].attempts] == ["InitiateAuth"]


def test_the_test_object_is_named_for_the_utc_time_and_eight_hex_digits(monkeypatch):
    # A zone far from UTC, so a timestamp taken in local time shows.
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        before = datetime.now(UTC).replace(microsecond=0)
        run_id = SmokeObject.new().run_id
        after = datetime.now(UTC)
    finally:
        monkeypatch.undo()
        time.tzset()
    stamp, suffix = run_id.split("-")
    assert before <= datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) <= after
    assert len(suffix) == 8 and all(char in "0123456789abcdef" for char in suffix)
