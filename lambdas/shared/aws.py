"""boto3 clients, created on first use and kept for the container's life."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ClientSettings:
    """Timeouts, attempts and signature version of one boto3 client (hashable, so clients are cached per settings)."""

    connect_timeout: float = 2.0
    read_timeout: float = 5.0
    max_attempts: int = 3
    signature_version: str | None = None


@functools.cache
def aws_client(service_name: str, settings: ClientSettings = ClientSettings()) -> Any:
    """A boto3 client for `service_name`; region and endpoint come from the environment as boto3 reads them."""
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
