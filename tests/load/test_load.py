"""Under concurrent load on the local stack every create lands once, is seen by its owner only, and is removed whole.

One headless Locust run (the `locust_run` fixture: 20 simulated users, each its own Cognito user, for 30 s, each
looping the smoke round-trip: sign in -> createPhenom -> upload -> getPhenoms -> download -> deletePhenom); every
test checks one property of what it did.
Run with `make load` (`pytest -m load`); the default run leaves it out.
"""

from collections import Counter

import pytest

from tests.load import leftovers
from tests.load.conftest import SIMULATED_USERS

pytestmark = pytest.mark.load


def test_every_simulated_user_ran_and_no_request_failed(locust_run):
    # GIVEN the Locust run's statistics and the users' records
    # WHEN they are added up over the whole run
    failures = [failure for record in locust_run.records for failure in record.failures]

    # THEN all users took part, each created something, and Locust counted no failed request
    assert len(locust_run.records) == SIMULATED_USERS, f"{len(locust_run.records)} users ran\n{locust_run.log_tail}"
    assert all(record.uploads for record in locust_run.records), "a user completed no iteration"
    assert locust_run.total.failures == 0 and not failures, f"{locust_run.total.failures} failed: {failures[:5]}"
    assert locust_run.exit_code == 0, f"Locust exited {locust_run.exit_code}\n{locust_run.log_tail}"


def test_every_created_phenom_was_listed_to_its_owner(locust_run):
    # GIVEN every phenom a user created
    uploads = locust_run.uploads

    # THEN getPhenoms, called by its creator right after the upload, listed it
    unlisted = [upload.phenom_id for upload in uploads if not upload.listed_to_owner]
    assert uploads and not unlisted, f"{len(unlisted)} of {len(uploads)} phenoms were not listed to their owner"


def test_no_user_was_shown_another_users_phenom(locust_run):
    # GIVEN the phenoms each owner created (every load user is a fresh Cognito user of its own)
    created_by: dict[str, set[str]] = {}
    for record in locust_run.records:
        created_by.setdefault(record.owner, set()).update(upload.phenom_id for upload in record.uploads)

    # WHEN every id getPhenoms returned to a user is compared with what that user created
    foreign = [
        (record.owner, phenom_id)
        for record in locust_run.records
        for phenom_id in record.seen_ids
        if phenom_id not in created_by[record.owner]
    ]

    # THEN no user was ever shown a phenom it did not create
    assert any(record.seen_ids for record in locust_run.records) and not foreign, (
        f"shown others' phenoms: {foreign[:5]}"
    )


def test_every_uploaded_object_had_the_right_bytes_before_deletion(locust_run):
    # GIVEN every iteration's upload and what its signed_uri returned before deletePhenom
    uploads = locust_run.uploads

    # THEN every download's sha256 is the upload's
    mismatched = [(upload.key, upload.downloaded_sha256) for upload in uploads if not upload.bytes_matched]
    assert uploads and not mismatched, f"{len(mismatched)} of {len(uploads)} downloads differ: {mismatched[:5]}"


def test_every_create_was_deleted_once_with_no_duplicate_id_or_key(locust_run):
    # GIVEN the ids and keys createPhenom returned and the deletes that answered
    uploads = locust_run.uploads
    ids = Counter(upload.phenom_id for upload in uploads)
    keys = Counter(upload.key for upload in uploads)
    deleted = [upload for upload in uploads if upload.deleted]

    # THEN each id and key is unique, each create has its delete, and each delete removed the one object
    assert [value for value, count in ids.items() if count > 1] == []
    assert [value for value, count in keys.items() if count > 1] == []
    assert len(deleted) == len(uploads), f"{len(uploads)} creates, {len(deleted)} deletes"
    assert {upload.deleted_objects for upload in deleted} == {1}


def test_no_rows_are_left_for_the_load_users(locust_run, load_users, database_url):
    # GIVEN the run is over
    created = [upload.phenom_id for upload in locust_run.uploads]

    # WHEN the database is asked for the load users' phenoms and the created phenoms' media
    phenoms = leftovers.phenom_ids_owned_by(database_url, [user.sub for user in load_users])
    media = leftovers.media_keys_of(database_url, created)

    # THEN there are none
    assert created and phenoms == [] and media == [], f"left: {len(phenoms)} phenoms, {len(media)} media rows"


def test_no_object_versions_are_left_under_the_created_phenoms(locust_run, local_stack, s3_client):
    # GIVEN every phenom the run created
    created = [upload.phenom_id for upload in locust_run.uploads]

    # WHEN the versioned media bucket lists media/ with its versions and delete markers
    left = leftovers.stored_versions(s3_client, local_stack.media_bucket, created)

    # THEN nothing is stored under media/<id>/ for any of them
    assert created and left == [], f"{len(left)} versions left, e.g. {left[:3]}"
