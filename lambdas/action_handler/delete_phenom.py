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
    """The DeletePhenomOutput. Of deletes of one phenom side by side, Postgres lets exactly one delete the row: that
    one deletes the objects and reports those it listed before, the others are not-found. Objects under the prefix
    of a phenom without a row belong to nobody (a delete whose object deletion failed, an upload after a delete):
    a delete of that id removes them, so retrying a failed delete finishes it."""
    target = phenom_id(action_input)
    prefix = media_prefix(target)
    hasura, storage = services.hasura, services.storage
    row = hasura.execute(PHENOM_OWNER, {"id": target}, timeout=deadline.remaining())["phenoms_by_pk"]
    if row is None:
        storage.delete_prefix(prefix, deadline)
        raise NotFound(f"phenom {target} not found")
    if row["owner_id"] != caller.sub:
        raise NotFound(f"phenom {target} not found")
    listed = storage.keys_with_data(prefix, deadline)
    deleted = hasura.execute(DELETE_PHENOM, {"id": target, "ownerId": caller.sub}, timeout=deadline.remaining())
    if deleted["delete_phenoms"]["affected_rows"] == 0:
        raise NotFound(f"phenom {target} not found")
    removed = storage.delete_prefix(prefix, deadline)
    return {"phenomId": target, "deletedObjects": len(listed | removed)}
