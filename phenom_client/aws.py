"""boto3 clients for an environment, bounded in time like every client call. boto3 is imported on first use: the
pytest plugins import the modules that call this on every run."""

from __future__ import annotations

from typing import Any

from phenom_client.environments import EnvConfig
from phenom_client.timeouts import Timeouts


def client_for(service: str, env: EnvConfig, *, total_max_attempts: int, timeouts: Timeouts | None = None) -> Any:
    """A `service` client in `env`'s region (and at its emulator, for local) with the caller's own credentials, at most
    `total_max_attempts` tries per call."""
    import boto3
    from botocore.config import Config

    limits = timeouts or Timeouts()
    return boto3.client(
        service,
        region_name=env.region,
        endpoint_url=env.aws_endpoint_url,
        config=Config(
            connect_timeout=limits.connect_seconds,
            read_timeout=limits.read_seconds,
            retries={"total_max_attempts": total_max_attempts},
        ),
    )
