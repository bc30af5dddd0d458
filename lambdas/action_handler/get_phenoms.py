"""getPhenoms: the caller's sightings, newest first, with presigned GETs for their media."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from lambdas.action_handler import page_cursor
from lambdas.action_handler.auth import Caller
from lambdas.action_handler.services import ActionServices
from lambdas.action_handler.storage import MediaStorage
from lambdas.action_handler.validation import phenoms_limit
from lambdas.shared.deadline import Deadline, DeadlineExceeded
from lambdas.shared.documents import load_document

GET_PHENOMS = load_document(__file__, "get_phenoms")
MARK_MEDIA_UPLOADED = load_document(__file__, "mark_media_uploaded")
# Each pending file costs one S3 HEAD; they are independent, so a page of pending uploads is checked side by side
# rather than one round trip after another.
EXISTENCE_CHECKS_AT_ONCE = 8


def get_phenoms(
    caller: Caller, action_input: Mapping[str, Any], services: ActionServices, deadline: Deadline
) -> list[dict[str, Any]]:
    """A page of Phenom objects (the newest, or those after `before`); pending media whose object now exists are
    recorded as uploaded first."""
    limit = phenoms_limit(action_input)
    hasura = services.hasura
    variables: dict[str, Any] = {"ownerId": caller.sub, "limit": limit}
    if action_input.get("before") is not None:
        variables["older"] = [page_cursor.rows_after(page_cursor.decode(action_input["before"]))]
    rows = hasura.execute(GET_PHENOMS, variables, timeout=deadline.remaining())["phenoms"]
    uploaded_now = _uploaded_since_last_look(rows, services.storage, deadline)
    if uploaded_now:
        hasura.execute(MARK_MEDIA_UPLOADED, {"ids": sorted(uploaded_now)}, timeout=deadline.remaining())
    return [_phenom(row, uploaded_now, services.storage) for row in rows]


def _uploaded_since_last_look(rows: list[Mapping[str, Any]], storage: MediaStorage, deadline: Deadline) -> set[str]:
    """Ids of the media still recorded as pending whose object now exists in the bucket."""
    pending = [media for row in rows for media in row["media"] if media["upload_state"] == "pending"]
    if not pending:
        return set()

    def uploaded(key: str) -> bool:
        # A file not checked in time stays pending and is checked by the next getPhenoms.
        try:
            deadline.remaining()
        except DeadlineExceeded:
            return False
        return storage.exists(key)

    with ThreadPoolExecutor(max_workers=min(EXISTENCE_CHECKS_AT_ONCE, len(pending))) as pool:
        found = pool.map(uploaded, [media["s3_key"] for media in pending])
        return {media["id"] for media, exists in zip(pending, found, strict=True) if exists}


def _phenom(row: Mapping[str, Any], uploaded_now: set[str], storage: MediaStorage) -> dict[str, Any]:
    media = [
        {
            "filename": item["original_filename"],
            "sort_order": item["sort_order"],
            "key": item["s3_key"],
            "upload_state": "uploaded" if item["id"] in uploaded_now else item["upload_state"],
            "signed_uri": storage.download_url(item["s3_key"]),
        }
        for item in row["media"]
    ]
    return {
        "id": row["id"],
        "lat": row["lat"],
        "lng": row["lng"],
        "media_type": row["media_type"],
        "created_at": row["created_at"],
        "signed_uri": media[0]["signed_uri"] if media else None,
        "media": media,
        "cursor": page_cursor.encode(page_cursor.PagePosition(row["created_at"], row["id"])),
    }
