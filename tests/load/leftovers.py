"""What the load test's users may have left behind in the stack's database and media bucket, and removing it."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

import psycopg

MEDIA_PREFIX = "media/"


@dataclass(frozen=True)
class StoredVersion:
    """One object version or delete marker in the media bucket."""

    key: str
    version_id: str
    delete_marker: bool


def phenom_ids_owned_by(database_url: str, owner_subs: Collection[str]) -> list[str]:
    """Ids of the phenoms rows whose owner is one of `owner_subs`."""
    return _column(
        database_url, "SELECT id::text FROM phenoms WHERE owner_id = ANY(%s::uuid[]) ORDER BY id", owner_subs
    )


def media_keys_of(database_url: str, phenom_ids: Collection[str]) -> list[str]:
    """s3_key of every phenom_media row of one of `phenom_ids`."""
    return _column(
        database_url, "SELECT s3_key FROM phenom_media WHERE phenom_id = ANY(%s::uuid[]) ORDER BY s3_key", phenom_ids
    )


def stored_versions(s3, bucket: str, phenom_ids: Collection[str]) -> list[StoredVersion]:
    """Every version and delete marker under media/<id>/ for one of `phenom_ids` (one listing of media/)."""
    wanted = set(phenom_ids)
    return [version for version in _media_versions(s3, bucket) if version.key.split("/")[1] in wanted]


def remove(database_url: str, s3, bucket: str, owner_subs: Collection[str], phenom_ids: Collection[str]) -> None:
    """Delete the users rows of `owner_subs` (their phenoms and media rows cascade) and every stored version under
    the media prefixes of `phenom_ids`."""
    with psycopg.connect(database_url) as connection:
        connection.execute("DELETE FROM users WHERE id = ANY(%s::uuid[])", (list(owner_subs),))
    versions = stored_versions(s3, bucket, phenom_ids)
    for start in range(0, len(versions), 1000):
        batch = [{"Key": version.key, "VersionId": version.version_id} for version in versions[start : start + 1000]]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})


def _column(database_url: str, query: str, uuids: Collection[str]) -> list[str]:
    """The one column `query` selects, run with `uuids` as its uuid[] parameter."""
    with psycopg.connect(database_url) as connection:
        return [row[0] for row in connection.execute(query, (list(uuids),)).fetchall()]


def _media_versions(s3, bucket: str) -> Iterator[StoredVersion]:
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=MEDIA_PREFIX):
        for version in page.get("Versions", []):
            yield StoredVersion(version["Key"], version["VersionId"], delete_marker=False)
        for marker in page.get("DeleteMarkers", []):
            yield StoredVersion(marker["Key"], marker["VersionId"], delete_marker=True)
