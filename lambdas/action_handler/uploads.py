"""S3's ObjectCreated notifications for media/: an object whose key no media row names, or whose phenom is being
deleted, is removed; the others are marked uploaded.

A presigned PUT stays valid for UPLOAD_URL_SECONDS, so an upload can land after (or while) its phenom is deleted.
deletePhenom claims the row before it lists the objects and deletes the row after them, so every upload either lands
before that listing (which deletes it) or is handled here after the claim (the row is claimed or gone); S3 delivers
each notification at least once, within seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus

from lambdas.action_handler.filenames import MEDIA_PREFIX
from lambdas.action_handler.get_phenoms import MARK_MEDIA_UPLOADED
from lambdas.action_handler.services import ActionServices
from lambdas.shared.deadline import Deadline
from lambdas.shared.documents import load_document
from lambdas.shared.log import get_logger

MEDIA_BY_KEY = load_document(__file__, "media_by_key")

log = get_logger("action_handler")


def is_s3_notification(event: Any) -> bool:
    """Whether event is an S3 event notification (rather than a Function URL request, or junk)."""
    records = event.get("Records") if isinstance(event, Mapping) else None
    return (
        isinstance(records, list)
        and bool(records)
        and all(isinstance(record, Mapping) and record.get("eventSource") == "aws:s3" for record in records)
    )


def reconcile_uploads(event: Mapping[str, Any], services: ActionServices, deadline: Deadline) -> dict[str, int]:
    """Handle each created object of the notification: {"removed": n, "confirmed": m}."""
    removed = confirmed = 0
    for record in event["Records"]:
        if not record.get("eventName", "").startswith("ObjectCreated:"):
            continue
        # Keys arrive URL-encoded, spaces as '+'.
        key = unquote_plus(record["s3"]["object"]["key"])
        if not key.startswith(MEDIA_PREFIX):
            continue
        rows = services.hasura.execute(MEDIA_BY_KEY, {"key": key}, timeout=deadline.remaining())["phenom_media"]
        if rows and all(row["phenom"]["deletion_started_at"] is None for row in rows):
            ids = sorted(row["id"] for row in rows)
            services.hasura.execute(MARK_MEDIA_UPLOADED, {"ids": ids}, timeout=deadline.remaining())
            confirmed += 1
        else:
            services.storage.delete_key(key, deadline)
            log.info("upload without a media row, or of a phenom being deleted, removed", key=key)
            removed += 1
    return {"removed": removed, "confirmed": confirmed}
