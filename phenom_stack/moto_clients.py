"""boto3 clients pointed at the local stack's moto server."""

from __future__ import annotations

import boto3
from botocore.config import Config

from phenom_stack import names
from phenom_stack.moto_server import DUMMY_CREDENTIALS

# Path-style S3 URLs: `<bucket>.127.0.0.1` does not resolve (facts §7.2).
CLIENT_CONFIG = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2, "mode": "standard"})


def moto_client(service: str, endpoint_url: str):
    """A boto3 client for service on the moto server at endpoint_url, with dummy credentials."""
    return moto_clients(endpoint_url, service)[0]


def moto_clients(endpoint_url: str, *services: str) -> tuple:
    """A boto3 client for each service on the moto server at endpoint_url, with dummy credentials, from boto3's default
    session: the clients share what it reads (endpoints.json alone is 1.2 MB of JSON) with each other and with every
    other client of the process (phenom_client's), while the dummy credentials are these clients' alone."""
    return tuple(
        boto3.client(
            service,
            endpoint_url=endpoint_url,
            region_name=names.REGION,
            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            config=CLIENT_CONFIG,
        )
        for service in services
    )
