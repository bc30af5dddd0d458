"""S3 keys for uploaded media: client filenames reduced to names that cannot leave media/<phenomId>/."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 100
MAX_EXTENSION_CHARS = 10
FALLBACK_NAME = "file"
# Every phenom's objects live under MEDIA_PREFIX<phenomId>/ (S3 notifies the handler of new objects there).
MEDIA_PREFIX = "media/"
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._-]+")
_DOT_RUN = re.compile(r"\.{2,}")
_EDGE_CHARS = ".-"


def sanitise_filename(raw: str) -> str:
    """A name of [A-Za-z0-9._-], at most MAX_NAME_CHARS long, not starting with `.` or `-`; `file` if nothing is left."""
    # NFKC first, so look-alikes such as fullwidth dots and slashes become the ASCII they imitate and are stripped.
    name = unicodedata.normalize("NFKC", raw)
    name = visible_characters(re.split(r"[/\\]", name)[-1])
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
    return f"{MEDIA_PREFIX}{phenom_id}/"


def visible_characters(name: str) -> str:
    """name without control and format characters (NUL, the RTL override and the other bidi controls, zero-width
    characters): they carry no visible meaning, and bidi controls make `photo<RLO>gpj.exe` display as photoexe.jpg."""
    return "".join(char for char in name if unicodedata.category(char) not in ("Cc", "Cf"))


def stored_filename(raw: str) -> str:
    """The client's filename as the database keeps it and getPhenoms shows it: its visible characters (Postgres text
    cannot hold NUL either)."""
    return visible_characters(raw)
