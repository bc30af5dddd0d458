"""Checking action inputs before anything is written; every refusal names the field."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lambdas.action_handler.errors import ValidationFailed
from lambdas.action_handler.filenames import visible_characters

MEDIA_TYPES = ("image", "video", "audio")
MAX_FILES = 10
MAX_FILENAME_CHARS = 1024
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_SURROGATES = (0xD800, 0xDFFF)


@dataclass(frozen=True)
class NewPhenom:
    """A validated createPhenom input."""

    lat: float
    lng: float
    filenames: tuple[str, ...]
    media_type: str


def new_phenom(action_input: Mapping[str, Any]) -> NewPhenom:
    """The createPhenom input (`input: CreatePhenomInput!`) once every field checks out."""
    fields = action_input.get("input")
    if not isinstance(fields, Mapping):
        raise ValidationFailed("input must be an object with lat, lng, filenames and media_type")
    return NewPhenom(
        lat=_coordinate(fields.get("lat"), "input.lat", 90),
        lng=_coordinate(fields.get("lng"), "input.lng", 180),
        filenames=_filenames(fields.get("filenames")),
        media_type=_media_type(fields.get("media_type")),
    )


def phenoms_limit(action_input: Mapping[str, Any]) -> int:
    """getPhenoms' `limit`: DEFAULT_LIMIT when absent or null, else an integer in 1..MAX_LIMIT."""
    limit = action_input.get("limit")
    if limit is None:
        return DEFAULT_LIMIT
    if not _is_integer(limit) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be an integer from 1 to {MAX_LIMIT}")
    return limit


def phenom_id(action_input: Mapping[str, Any]) -> str:
    """deletePhenom's `phenomId` as a canonical uuid string."""
    value = action_input.get("phenomId")
    try:
        return str(uuid.UUID(value))
    except (AttributeError, TypeError, ValueError):
        raise ValidationFailed("phenomId must be a uuid") from None


def _coordinate(value: Any, field: str, bound: int) -> float:
    # The range check alone refuses NaN and infinities; math.isfinite would raise OverflowError on huge JSON ints.
    if not (_is_integer(value) or isinstance(value, float)) or not -bound <= value <= bound:
        raise ValidationFailed(f"{field} must be a finite number from -{bound} to {bound}")
    return float(value)


def _filenames(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_FILES:
        raise ValidationFailed(f"input.filenames must be a list of 1 to {MAX_FILES} names")
    for index, name in enumerate(value):
        if not isinstance(name, str) or not visible_characters(name).strip() or len(name) > MAX_FILENAME_CHARS:
            raise ValidationFailed(
                f"input.filenames[{index}] must be a string of at most {MAX_FILENAME_CHARS} characters with a "
                "visible one"
            )
        if any(_SURROGATES[0] <= ord(char) <= _SURROGATES[1] for char in name):
            # JSON's \ud800 escapes decode to lone surrogates, which are not text: no database or S3 key holds them.
            raise ValidationFailed(f"input.filenames[{index}] holds a lone UTF-16 surrogate, which is not text")
    return tuple(value)


def _media_type(value: Any) -> str:
    if value not in MEDIA_TYPES:
        raise ValidationFailed(f"input.media_type must be one of {', '.join(MEDIA_TYPES)}")
    return value


def _is_integer(value: Any) -> bool:
    """True for ints but not bools (which Python counts as ints)."""
    return isinstance(value, int) and not isinstance(value, bool)
