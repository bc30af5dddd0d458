"""createPhenom: record a sighting and its media rows, hand back one presigned PUT per file."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from lambdas.action_handler.auth import Caller
from lambdas.action_handler.errors import InvalidJwt
from lambdas.action_handler.filenames import media_key, stored_filename
from lambdas.action_handler.services import ActionServices
from lambdas.action_handler.validation import new_phenom
from lambdas.shared.deadline import Deadline
from lambdas.shared.documents import load_document

CREATE_PHENOM = load_document(__file__, "create_phenom")


def create_phenom(
    caller: Caller, action_input: Mapping[str, Any], services: ActionServices, deadline: Deadline
) -> dict[str, Any]:
    """The CreatePhenomOutput; nothing is written unless the input and the caller's email check out."""
    request = new_phenom(action_input)
    if caller.email is None:
        raise InvalidJwt("token has no email claim, which createPhenom needs to record the user")
    phenom_id = str(uuid.uuid4())
    keys = [media_key(phenom_id, order, name) for order, name in enumerate(request.filenames)]
    # Signing is local work; doing it before the write means a signing failure leaves no row behind.
    uploads = [
        {"filename": name, "key": key, "uploadUrl": services.storage.upload_url(key)}
        for name, key in zip(request.filenames, keys, strict=True)
    ]
    services.hasura.execute(
        CREATE_PHENOM,
        {
            "owner": {"id": caller.sub, "email": caller.email},
            "phenom": {
                "id": phenom_id,
                "owner_id": caller.sub,
                "lat": request.lat,
                "lng": request.lng,
                "media_type": request.media_type,
            },
            "media": [
                {"phenom_id": phenom_id, "sort_order": order, "original_filename": stored_filename(name), "s3_key": key}
                for order, (name, key) in enumerate(zip(request.filenames, keys, strict=True))
            ],
        },
        timeout=deadline.remaining(),
    )
    return {"phenomId": phenom_id, "uploads": uploads}
