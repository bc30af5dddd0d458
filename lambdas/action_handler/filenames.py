"""S3 keys for uploaded media: client filenames reduced to names that cannot leave media/<phenomId>/."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 100
MAX_EXTENSION_CHARS = 10
FALLBACK_NAME = "file"
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._-]+")
_DOT_RUN = re.compile(r"\.{2,}")
_EDGE_CHARS = ".-"


def sanitise_filename(raw: str) -> str:
    """A name of [A-Za-z0-9._-], at most MAX_NAME_CHARS long, not starting with `.` or `-`; `file` if nothing is left."""
    # NFKC first, so look-alikes such as fullwidth dots and slashes become the ASCII they imitate and are stripped.
    name = unicodedata.normalize("NFKC", raw)
    name = re.split(r"[/\\]", name)[-1]
    # Control and format characters (NUL, RTL override, zero-width) go entirely: they carry no visible meaning.
    name = "".join(char for char in name if unicodedata.category(char) not in ("Cc", "Cf"))
    name = _UNSAFE_RUN.sub("_", name)
    name = _DOT_RUN.sub(".", name).strip(_EDGE_CHARS)
    return _capped(name) or FALLBACK_NAME


def _capped(name: str) -> str:
    """`name` cut to MAX_NAME_CHARS, keeping a short extension intact."""
    if len(name) <= MAX_NAME_CHARS:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > MAX_EXTENSION_CHARS:
        return name[:MAX_NAME_CHARS].rstrip(_EDGE_CHARS)
    stem = stem[: MAX_NAME_CHARS - len(extension) - 1].rstrip(_EDGE_CHARS)
    return f"{stem}.{extension}" if stem else extension


def media_key(phenom_id: str, sort_order: int, raw_filename: str) -> str:
    """The S3 key `media/<phenomId>/<sortOrder>_<phenomId>_<sanitisedFilename>`."""
    return f"{media_prefix(phenom_id)}{sort_order}_{phenom_id}_{sanitise_filename(raw_filename)}"


def media_prefix(phenom_id: str) -> str:
    """The prefix under which every object of one phenom lives."""
    return f"media/{phenom_id}/"


def stored_filename(raw: str) -> str:
    """The client's filename as the database keeps it: Postgres text cannot hold NUL characters."""
    return raw.replace("\x00", "")
