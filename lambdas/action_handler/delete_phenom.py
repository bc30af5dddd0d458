"""deletePhenom: remove one of the caller's sightings, its objects (every version) and its rows.

The row outlives every object it points to, and of deletes of one phenom side by side exactly one reports the
objects: a delete first claims the row (deletion_started_at), deletes the objects, and deletes the row only once
they are all gone. A delete that fails half-way releases its claim, so the row still names what is left and a retry
finishes; a claim older than DELETION_LEASE_SECONDS (a delete that crashed) can be taken again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from lambdas.action_handler.auth import Caller
from lambdas.action_handler.errors import NotFound
from lambdas.action_handler.filenames import media_prefix
from lambdas.action_handler.services import ActionServices
from lambdas.action_handler.time_budget import DELETION_LEASE_SECONDS, RELEASE_SECONDS
from lambdas.action_handler.validation import phenom_id
from lambdas.shared.deadline import Deadline
from lambdas.shared.documents import load_document
from lambdas.shared.hasura import HasuraCallError
from lambdas.shared.log import get_logger

CLAIM_PHENOM_DELETION = load_document(__file__, "claim_phenom_deletion")
RELEASE_PHENOM_DELETION = load_document(__file__, "release_phenom_deletion")
DELETE_PHENOM = load_document(__file__, "delete_phenom")

log = get_logger("action_handler")


def delete_phenom(
    caller: Caller, action_input: Mapping[str, Any], services: ActionServices, deadline: Deadline
) -> dict[str, Any]:
    """The DeletePhenomOutput. A phenom that is not the caller's, does not exist or is being deleted by another call
    is not-found (one answer for all, so ids cannot be probed); nothing is deleted then."""
    target = phenom_id(action_input)
    hasura = services.hasura
    now = datetime.now(UTC)
    claimed_at = now.isoformat()
    claim = {
        "id": target,
        "ownerId": caller.sub,
        "now": claimed_at,
        "leaseCutoff": (now - timedelta(seconds=DELETION_LEASE_SECONDS)).isoformat(),
    }
    if (
        hasura.execute(CLAIM_PHENOM_DELETION, claim, timeout=deadline.remaining())["update_phenoms"]["affected_rows"]
        == 0
    ):
        raise NotFound(f"phenom {target} not found")
    try:
        removed = services.storage.delete_prefix(media_prefix(target), deadline)
    except Exception:
        _release(services, target, claimed_at)
        raise
    deleted = hasura.execute(DELETE_PHENOM, {"id": target, "claimedAt": claimed_at}, timeout=deadline.remaining())
    if deleted["delete_phenoms"]["affected_rows"] == 0:
        # Only when the claim outlived its lease and another delete took it over: that one reports the objects.
        raise NotFound(f"phenom {target} not found")
    return {"phenomId": target, "deletedObjects": len(removed)}


def _release(services: ActionServices, target: str, claimed_at: str) -> None:
    """Give the claim back so a retry need not wait for the lease; if that fails too, the lease ends it."""
    try:
        services.hasura.execute(
            RELEASE_PHENOM_DELETION, {"id": target, "claimedAt": claimed_at}, timeout=RELEASE_SECONDS
        )
    except HasuraCallError as error:
        log.warning("deletion claim not released; it expires with its lease", phenom_id=target, error=str(error))
