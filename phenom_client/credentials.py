"""The smoke user's password: PHENOM_SMOKE_PASSWORD first, else the environment's smoke-credentials secret."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from phenom_client.aws import client_for
from phenom_client.environments import EnvConfig
from phenom_client.errors import CredentialsUnavailable
from phenom_client.redaction import redact

PASSWORD_VARIABLE = "PHENOM_SMOKE_PASSWORD"

SecretReader = Callable[[str], str]


@dataclass(frozen=True)
class SmokeCredentials:
    """The smoke user's username and password, and where the password came from (never the password itself)."""

    username: str
    password: str = field(repr=False)
    source: str


def resolve_smoke_credentials(
    env: EnvConfig, *, environ: Mapping[str, str], read_secret: SecretReader
) -> SmokeCredentials:
    """The credentials for `env`: PHENOM_SMOKE_PASSWORD with the configured username, else the secret's pair."""
    password = environ.get(PASSWORD_VARIABLE)
    if password:
        return SmokeCredentials(env.smoke_username, password, PASSWORD_VARIABLE)
    try:
        secret = read_secret(env.smoke_secret_id)
    except CredentialsUnavailable as error:
        raise CredentialsUnavailable(_nothing_found(env, str(error)), unreached=error.unreached) from None
    return _from_secret(env, secret)


def secretsmanager_client(env: EnvConfig) -> Any:
    """A secretsmanager client for `env` with the caller's own AWS credentials."""
    return client_for("secretsmanager", env, total_max_attempts=2)


def secretsmanager_reader(client: Any) -> SecretReader:
    """A SecretReader over a boto3 secretsmanager client; every failure becomes CredentialsUnavailable, `unreached`
    when the read itself failed (no AWS credentials, refused, no answer), as opposed to a secret of the wrong shape."""
    # The client exists, so botocore is loaded already; importing it at module level would load it on every run.
    from botocore.exceptions import BotoCoreError, ClientError

    def read(secret_id: str) -> str:
        try:
            return client.get_secret_value(SecretId=secret_id)["SecretString"]
        except ClientError as error:
            details = error.response.get("Error", {})
            raise CredentialsUnavailable(f"{details.get('Code')}: {details.get('Message')}", unreached=True) from None
        except BotoCoreError as error:
            raise CredentialsUnavailable(f"{type(error).__name__}: {error}", unreached=True) from None
        except KeyError:
            raise CredentialsUnavailable("the secret has no SecretString (binary secrets are not supported)") from None

    return read


def _from_secret(env: EnvConfig, secret: str) -> SmokeCredentials:
    source = f"secret {env.smoke_secret_id}"
    try:
        pair = json.loads(secret)
    except ValueError:
        pair = None
    if not isinstance(pair, dict) or not isinstance(pair.get("password"), str) or not pair["password"]:
        raise CredentialsUnavailable(
            f'{source} is not JSON with a non-empty "password" (and "username"): put '
            '{"username": ..., "password": ...} in it, or set ' + PASSWORD_VARIABLE
        )
    username = pair.get("username") or env.smoke_username
    if username != env.smoke_username:
        raise CredentialsUnavailable(
            f"{source} holds the password of {username} but --env {env.name} signs in as {env.smoke_username}: "
            "make the secret and phenom_client/environments.toml name the same smoke user"
        )
    return SmokeCredentials(username, pair["password"], source)


def _nothing_found(env: EnvConfig, reason: str) -> str:
    return redact(
        f"no smoke password for --env {env.name}: set {PASSWORD_VARIABLE}, or run with AWS credentials that can "
        f"read the Secrets Manager secret {env.smoke_secret_id} in {env.region} (reading it failed: {reason})"
    )
