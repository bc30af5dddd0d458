"""The smoke round-trip as six named, timed steps, with cleanup that runs whatever happens (no pytest here, so the
load test and the benchmark reuse it)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from phenom_client.errors import GraphQLRequestFailed, PhenomClientError
from phenom_client.models import CreatedPhenom, Phenom
from phenom_client.steps import CheckFailed, StepFailed, StepRunner

if TYPE_CHECKING:
    # Only annotated here: the reporting plugin imports this module on every pytest run, gql and boto3 stay out.
    from phenom_client.client import PhenomClient

ROUNDTRIP_STEPS = ("sign in", "createPhenom", "upload", "getPhenoms", "download", "deletePhenom")
TEST_DATA_PREFIX = "phenom-smoke-"
# getPhenoms lists newest first; the largest page makes sure a run that overlaps another still finds its row.
LIST_LIMIT = 100
# Refusals the handler or Hasura make before anything is written; after any other failure (no answer, a gateway
# error, Hasura's "http exception when calling webhook" when the Lambda died or stalled mid-insert) a row may exist.
REFUSED_BEFORE_WRITE = frozenset(
    {"validation-failed", "invalid-jwt", "bad-request", "not-supported", "access-denied", "parse-failed"}
)


@dataclass(frozen=True)
class SmokeObject:
    """The file one round-trip uploads: name and bytes carry a UTC timestamp and a short uuid, so leftovers are
    recognisable (`phenom-smoke-...`) and two runs never collide."""

    run_id: str

    @classmethod
    def new(cls, now: datetime | None = None) -> SmokeObject:
        moment = now or datetime.now(UTC)
        return cls(f"{moment:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}")

    @property
    def filename(self) -> str:
        return f"{TEST_DATA_PREFIX}{self.run_id}.txt"

    @property
    def content(self) -> bytes:
        return (
            f"Phenom smoke test object {self.run_id}\n"
            "Written by phenom_client/roundtrip.py and deleted by it; safe to delete if left behind.\n"
        ).encode()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class RoundTripOutcome:
    """What one round-trip did: its steps, its test object, the phenom it created and what cleanup did."""

    steps: StepRunner
    test_object: SmokeObject
    phenom_id: str | None = None
    deleted: bool = False
    create_outcome_unknown: bool = False
    cleanup: str | None = field(default=None)

    @property
    def failure(self) -> str | None:
        """`step <n>/6 <name>: <why>` for the failed step, None when every step passed."""
        return self.steps.failure

    @property
    def passed(self) -> bool:
        return self.steps.passed


def run_roundtrip(
    client: PhenomClient, steps: StepRunner | None = None, test_object: SmokeObject | None = None
) -> RoundTripOutcome:
    """Run the six steps with `client`; a failed step is in the outcome (not raised), and a phenom this run created
    is deleted before returning even when a step failed."""
    outcome = RoundTripOutcome(steps or StepRunner(ROUNDTRIP_STEPS), test_object or SmokeObject.new())
    previous_observer = client.on_attempt
    client.on_attempt = outcome.steps.record_attempt
    try:
        _run_steps(client, outcome)
    except StepFailed:
        pass
    finally:
        client.on_attempt = previous_observer
        outcome.cleanup = _clean_up(client, outcome)
    return outcome


def _run_steps(client: PhenomClient, outcome: RoundTripOutcome) -> None:
    steps, item = outcome.steps, outcome.test_object
    steps.run("sign in", client.sign_in)
    created = steps.run("createPhenom", lambda: _create(client, outcome))
    upload = created.uploads[0]
    steps.run("upload", lambda: client.upload(upload, item.content))
    row = steps.run("getPhenoms", lambda: _listed_row(client, outcome))
    steps.run("download", lambda: _download_matches(client, row, item))
    steps.run("deletePhenom", lambda: _delete_and_confirm(client, outcome))


def _create(client: PhenomClient, outcome: RoundTripOutcome) -> CreatedPhenom:
    filename = outcome.test_object.filename
    try:
        created = client.create_phenom([filename])
    except PhenomClientError as error:
        # A failure that is not a refusal before the write does not mean no row: cleanup looks for it by its unique
        # filename.
        outcome.create_outcome_unknown = not (
            isinstance(error, GraphQLRequestFailed) and error.code in REFUSED_BEFORE_WRITE
        )
        raise
    outcome.phenom_id = created.phenom_id
    names = [upload.filename for upload in created.uploads]
    if names != [filename]:
        raise CheckFailed(f"createPhenom returned uploads for {names}, expected exactly [{filename}]")
    return created


def _listed_row(client: PhenomClient, outcome: RoundTripOutcome) -> Phenom:
    rows = client.get_phenoms(limit=LIST_LIMIT)
    row = next((row for row in rows if row.id == outcome.phenom_id), None)
    if row is None:
        raise CheckFailed(f"getPhenoms (newest {LIST_LIMIT}) does not list phenom {outcome.phenom_id}")
    if not row.signed_uri:
        raise CheckFailed(f"getPhenoms lists phenom {outcome.phenom_id} without a signed_uri")
    media_names = [media.filename for media in row.media]
    if media_names != [outcome.test_object.filename]:
        raise CheckFailed(
            f"getPhenoms lists phenom {outcome.phenom_id} with media {media_names}, "
            f"expected [{outcome.test_object.filename}]"
        )
    return row


def _download_matches(client: PhenomClient, row: Phenom, item: SmokeObject) -> None:
    assert row.signed_uri is not None
    data = client.download(row.signed_uri)
    digest = hashlib.sha256(data).hexdigest()
    if digest != item.sha256:
        raise CheckFailed(
            f"GET returned {len(data)} bytes with sha256 {digest[:12]}..., "
            f"uploaded {len(item.content)} bytes with sha256 {item.sha256[:12]}..."
        )


def _delete_and_confirm(client: PhenomClient, outcome: RoundTripOutcome) -> None:
    assert outcome.phenom_id is not None
    answer = client.delete_phenom(outcome.phenom_id)
    if answer.phenom_id != outcome.phenom_id:
        raise CheckFailed(f"deletePhenom answered for phenom {answer.phenom_id}, asked for {outcome.phenom_id}")
    if any(row.id == outcome.phenom_id for row in client.get_phenoms(limit=LIST_LIMIT)):
        raise CheckFailed(f"deletePhenom answered but getPhenoms still lists phenom {outcome.phenom_id}")
    # Only a delete getPhenoms confirms counts: an answer that left the row makes cleanup delete it again.
    outcome.deleted = True


def _clean_up(client: PhenomClient, outcome: RoundTripOutcome) -> str | None:
    """Delete what this run created and did not delete; None when there was nothing to clean."""
    filename = outcome.test_object.filename
    try:
        if outcome.phenom_id is None and outcome.create_outcome_unknown:
            return _clean_up_unknown_create(client, filename)
        if outcome.phenom_id is None or outcome.deleted:
            return None
        client.delete_phenom(outcome.phenom_id)
    except PhenomClientError as error:
        return _cleanup_failed(client, outcome.phenom_id, filename, error)
    outcome.deleted = True
    return f"deleted phenom {outcome.phenom_id} ({filename}) after the failed step"


def _clean_up_unknown_create(client: PhenomClient, filename: str) -> str:
    """Search by the run's unique filename for the rows a create with no known outcome may have left; delete each."""
    found = [row.id for row in client.get_phenoms(limit=LIST_LIMIT) if any(m.filename == filename for m in row.media)]
    if not found:
        return f"createPhenom's outcome is unknown and getPhenoms does not list {filename}: nothing to clean"
    for phenom_id in found:
        try:
            client.delete_phenom(phenom_id)
        except PhenomClientError as error:
            return _cleanup_failed(client, phenom_id, filename, error)
    return (
        f"deleted phenom {', '.join(found)} ({filename}): createPhenom's outcome was unknown and getPhenoms listed "
        f"{len(found)} phenom(s) with that file"
    )


def _cleanup_failed(client: PhenomClient, phenom_id: str | None, filename: str, error: PhenomClientError) -> str:
    return (
        f"could not delete phenom {phenom_id or '(id unknown)'} ({filename}): {error}; "
        f"delete it with deletePhenom as {client.env.smoke_username} on --env {client.env.name}"
    )
