"""What each simulated user of the load test did, recorded in the Locust process and checked by the pytest process.

No Locust here: test_load.py imports this module, and Locust (gevent monkey-patching) must stay out of pytest.
The records hold ids, keys and digests only, never a token, password or presigned URL.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class UploadRecord:
    """One round-trip's phenom, as the API answered: its id and key, the sha256 of the bytes PUT and of the bytes the
    signed_uri gave back, whether getPhenoms listed it to its owner, and deletePhenom's answer."""

    phenom_id: str
    key: str
    sha256: str | None = None
    listed_to_owner: bool = False
    downloaded_sha256: str | None = None
    deleted: bool = False
    deleted_objects: int | None = None

    @property
    def bytes_matched(self) -> bool:
        return self.sha256 is not None and self.downloaded_sha256 == self.sha256


@dataclass
class UserRecord:
    """One simulated user: the Cognito user it signs in as, its iterations, every phenom id getPhenoms showed it,
    its failed steps (redacted one-liners) and how many of the client's attempts failed (each one retried, unless it
    was a failed step's last)."""

    user_number: int
    owner: str
    uploads: list[UploadRecord] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    failed_attempts: int = 0

    def to_json(self) -> dict:
        document = asdict(self)
        document["seen_ids"] = sorted(self.seen_ids)
        return document

    @classmethod
    def from_json(cls, document: dict) -> UserRecord:
        return cls(
            user_number=document["user_number"],
            owner=document["owner"],
            uploads=[UploadRecord(**upload) for upload in document["uploads"]],
            seen_ids=set(document["seen_ids"]),
            failures=list(document["failures"]),
            failed_attempts=document["failed_attempts"],
        )


def write_records(path: Path, records: list[UserRecord]) -> None:
    """All users' records as one JSON document, written whole (rename) so a reader never sees half of it."""
    partial = path.with_name(f"{path.name}.partial")
    partial.write_text(json.dumps({"users": [record.to_json() for record in records]}))
    os.replace(partial, path)


def read_records(path: Path) -> list[UserRecord]:
    return [UserRecord.from_json(document) for document in json.loads(path.read_text())["users"]]
