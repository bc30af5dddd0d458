"""getPhenoms' page cursor: an opaque string naming one row's place in the newest-first order (created_at, id).

Paging by the last row seen rather than by an offset means rows created while a client pages (newer, so
before its first page) never shift a later page: no row is skipped or shown twice.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import datetime
from typing import Any, NamedTuple

from lambdas.action_handler.errors import ValidationFailed


class PagePosition(NamedTuple):
    """A row's sort key: its created_at exactly as Hasura returned it, and its id."""

    created_at: str
    id: str


def encode(position: PagePosition) -> str:
    """The cursor of a row, safe in a URL (base64url of a JSON pair)."""
    return base64.urlsafe_b64encode(json.dumps(list(position), separators=(",", ":")).encode()).decode()


def rows_after(position: PagePosition) -> dict[str, Any]:
    """The phenoms_bool_exp of the rows after `position` in the order created_at desc, id desc."""
    return {
        "_or": [
            {"created_at": {"_lt": position.created_at}},
            {"created_at": {"_eq": position.created_at}, "id": {"_lt": position.id}},
        ]
    }


def decode(cursor: object) -> PagePosition:
    """The position a cursor from `encode` names; anything else is refused naming `before`."""
    refusal = ValidationFailed("before must be the cursor of a row returned by getPhenoms")
    if not isinstance(cursor, str):
        raise refusal
    try:
        created_at, row_id = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        if datetime.fromisoformat(created_at).tzinfo is None:
            raise refusal
        return PagePosition(created_at, str(uuid.UUID(row_id)))
    except (binascii.Error, UnicodeError, ValueError, TypeError, AttributeError):
        raise refusal from None
