"""deletePhenom: remove one of the caller's sightings, its objects (every version) and its rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lambdas.action_handler.auth import Caller
from lambdas.action_handler.errors import NotFound
from lambdas.action_handler.filenames import media_prefix
from lambdas.action_handler.services import ActionServices
from lambdas.action_handler.validation import phenom_id
from lambdas.shared.deadline import Deadline
from lambdas.shared.documents import load_document

PHENOM_OWNER = load_document(__file__, "phenom_owner")
DELETE_PHENOM = load_document(__file__, "delete_phenom")


def delete_phenom(
    caller: Caller, action_input: Mapping[str, Any], services: ActionServices, deadline: Deadline
) -> dict[str, Any]:
    """The DeletePhenomOutput; objects go first, so a failure leaves the row for a retry to finish."""
    target = phenom_id(action_input)
    hasura = services.hasura
    row = hasura.execute(PHENOM_OWNER, {"id": target}, timeout=deadline.remaining())["phenoms_by_pk"]
    if row is None or row["owner_id"] != caller.sub:
        raise NotFound(f"phenom {target} not found")
    deleted_objects = services.storage.delete_prefix(media_prefix(target), deadline)
    hasura.execute(DELETE_PHENOM, {"id": target, "ownerId": caller.sub}, timeout=deadline.remaining())
    return {"phenomId": target, "deletedObjects": deleted_objects}
