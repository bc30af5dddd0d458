"""JSON as Hasura writes it: compact, no spaces."""

from __future__ import annotations

import json


def compact(value) -> str:
    """`value` as compact JSON text."""
    return json.dumps(value, separators=(",", ":"))
