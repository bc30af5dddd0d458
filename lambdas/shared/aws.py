"""boto3 clients, created on first use and kept for the container's life."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ClientSettings:
    """Timeouts, attempts and signature version of one boto3 client (hashable, so clients are cached per settings)."""

    connect_timeout: float = 2.0
    read_timeout: float = 5.0
    max_attempts: int = 3
    signature_version: str | None = None


# boto3's default session is not safe to create clients from in several threads at once (getPhenoms checks
# uploads side by side), so creation is serialised; using a created client from several threads is safe.
_CREATION_LOCK = threading.Lock()


def aws_client(service_name: str, settings: ClientSettings = ClientSettings()) -> Any:
    """A boto3 client for `service_name`; region and endpoint come from the environment as boto3 reads them."""
    with _CREATION_LOCK:
        return _created_client(service_name, settings)


@functools.cache
def _created_client(service_name: str, settings: ClientSettings) -> Any:
    # Imported here: boto3 costs a few hundred milliseconds of cold start that refusals never need to pay.
    import boto3
    from botocore.config import Config

    options: dict[str, Any] = {
        "connect_timeout": settings.connect_timeout,
        "read_timeout": settings.read_timeout,
        "retries": {"total_max_attempts": settings.max_attempts, "mode": "standard"},
    }
    if settings.signature_version:
        options["signature_version"] = settings.signature_version
    return boto3.client(service_name, config=Config(**options))


# Forgetting every client is what a cold container looks like; the unit tests start each test that way.
aws_client.cache_clear = _created_client.cache_clear  # type: ignore[attr-defined]
