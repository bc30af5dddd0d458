"""The app secrets (`phenom-<env>-app-secrets`), read once per container."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

from lambdas.shared.aws import ClientSettings, aws_client

ADMIN_SECRET_KEY = "graphql_admin_secret"


class AppSecretsError(Exception):
    """The app secret could not be read or lacks the admin secret key."""


@dataclass(frozen=True)
class AppSecrets:
    """What the Lambdas need from the app secret."""

    graphql_admin_secret: str = field(repr=False)


@functools.cache
def read_app_secrets(secret_id: str, settings: ClientSettings = ClientSettings()) -> AppSecrets:
    """The app secret `secret_id`, fetched from Secrets Manager on the first call only."""
    response = aws_client("secretsmanager", settings).get_secret_value(SecretId=secret_id)
    try:
        document = json.loads(response.get("SecretString") or "")
    except json.JSONDecodeError:
        raise AppSecretsError(
            f"secret {secret_id} is not a JSON object: store it as JSON with key {ADMIN_SECRET_KEY}"
        ) from None
    value = document.get(ADMIN_SECRET_KEY) if isinstance(document, dict) else None
    if not isinstance(value, str) or not value:
        raise AppSecretsError(f"secret {secret_id} has no string key {ADMIN_SECRET_KEY}: add it to the secret's JSON")
    return AppSecrets(graphql_admin_secret=value)
