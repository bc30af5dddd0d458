"""The time limits every network call of the client runs under."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection and then for each read; Hasura gives an action 30 s, so reads wait longer."""

    connect_seconds: float = 5.0
    read_seconds: float = 35.0

    @property
    def requests(self) -> tuple[float, float]:
        """The (connect, read) pair that `requests` takes as `timeout`."""
        return (self.connect_seconds, self.read_seconds)
