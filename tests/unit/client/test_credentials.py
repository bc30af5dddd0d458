"""Where the smoke password comes from, in order, and the message when it comes from nowhere."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import NoCredentialsError
from botocore.stub import Stubber

from phenom_client.credentials import (
    PASSWORD_VARIABLE,
    SmokeCredentials,
    resolve_smoke_credentials,
    secretsmanager_reader,
)
from phenom_client.environments import load_environment
from phenom_client.errors import CredentialsUnavailable

pytestmark = pytest.mark.unit

SECRET_PASSWORD = "from-the-secret"  # made up: these tests never touch a real secret


@pytest.fixture
def prod():
    """The prod environment from phenom_client/environments.toml."""
    return load_environment("prod")


def reader(value: str | None = None, error: str = "NoCredentialsError: Unable to locate credentials"):
    calls: list[str] = []

    def read(secret_id: str) -> str:
        calls.append(secret_id)
        if value is None:
            raise CredentialsUnavailable(error)
        return value

    return read, calls


def test_the_environment_variable_comes_first_and_the_secret_is_not_read(prod):
    read, calls = reader(json.dumps({"username": "test@thephenom.app", "password": SECRET_PASSWORD}))
    credentials = resolve_smoke_credentials(prod, environ={PASSWORD_VARIABLE: "from-the-variable"}, read_secret=read)
    assert (credentials.username, credentials.password, credentials.source) == (
        "test@thephenom.app",
        "from-the-variable",
        PASSWORD_VARIABLE,
    )
    assert calls == []


def test_without_the_variable_the_secret_named_by_the_env_is_read(prod):
    read, calls = reader(json.dumps({"username": "test@thephenom.app", "password": SECRET_PASSWORD}))
    credentials = resolve_smoke_credentials(prod, environ={PASSWORD_VARIABLE: ""}, read_secret=read)
    assert calls == ["phenom-prod-smoke-credentials"]
    assert (credentials.password, credentials.source) == (SECRET_PASSWORD, "secret phenom-prod-smoke-credentials")


def test_with_neither_the_message_names_both_and_why_the_secret_failed(prod):
    read, _ = reader(None)
    with pytest.raises(CredentialsUnavailable) as failure:
        resolve_smoke_credentials(prod, environ={}, read_secret=read)
    assert str(failure.value) == (
        "no smoke password for --env prod: set PHENOM_SMOKE_PASSWORD, or run with AWS credentials that can read the "
        "Secrets Manager secret phenom-prod-smoke-credentials in us-east-1 "
        "(reading it failed: NoCredentialsError: Unable to locate credentials)"
    )


def test_the_password_stays_out_of_the_repr(prod):
    read, _ = reader(json.dumps({"username": "test@thephenom.app", "password": SECRET_PASSWORD}))
    credentials = resolve_smoke_credentials(prod, environ={}, read_secret=read)
    assert SECRET_PASSWORD not in repr(credentials)


@pytest.fixture
def stubbed_secretsmanager():
    """A secretsmanager client whose answers come from a botocore Stubber (no network)."""
    client = boto3.client("secretsmanager", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_the_reader_returns_the_secret_string_of_the_id_asked_for(stubbed_secretsmanager):
    client, stubber = stubbed_secretsmanager
    stubber.add_response(
        "get_secret_value",
        {"SecretString": '{"password": "x"}'},
        {"SecretId": "phenom-prod-smoke-credentials"},
    )
    assert secretsmanager_reader(client)("phenom-prod-smoke-credentials") == '{"password": "x"}'


def test_a_refused_read_names_the_code_and_message_and_never_reached_the_secret(stubbed_secretsmanager):
    client, stubber = stubbed_secretsmanager
    stubber.add_client_error(
        "get_secret_value", "AccessDeniedException", "User is not authorized to perform GetSecretValue", 400
    )
    with pytest.raises(CredentialsUnavailable) as failure:
        secretsmanager_reader(client)("phenom-prod-smoke-credentials")
    assert str(failure.value) == "AccessDeniedException: User is not authorized to perform GetSecretValue"
    assert failure.value.unreached


class NoCredentialsClient:
    """A secretsmanager client on a runner without AWS credentials."""

    def get_secret_value(self, **_: object) -> dict:
        raise NoCredentialsError()


def test_a_read_without_aws_credentials_says_so_and_never_reached_the_secret():
    with pytest.raises(CredentialsUnavailable) as failure:
        secretsmanager_reader(NoCredentialsClient())("phenom-prod-smoke-credentials")
    assert str(failure.value) == "NoCredentialsError: Unable to locate credentials"
    assert failure.value.unreached


def test_a_binary_secret_is_refused_as_a_secret_of_the_wrong_shape(stubbed_secretsmanager):
    client, stubber = stubbed_secretsmanager
    stubber.add_response("get_secret_value", {"SecretBinary": SECRET_PASSWORD.encode()})
    with pytest.raises(CredentialsUnavailable) as failure:
        secretsmanager_reader(client)("phenom-prod-smoke-credentials")
    assert str(failure.value) == "the secret has no SecretString (binary secrets are not supported)"
    assert not failure.value.unreached


@pytest.mark.parametrize("unreached", [True, False])
def test_an_unreadable_secret_keeps_whether_aws_was_reached(prod, unreached):
    def read(secret_id: str) -> str:
        raise CredentialsUnavailable("AccessDeniedException: no", unreached=unreached)

    with pytest.raises(CredentialsUnavailable) as failure:
        resolve_smoke_credentials(prod, environ={}, read_secret=read)
    assert failure.value.unreached is unreached


def test_the_reason_a_read_failed_is_redacted(prod):
    read, _ = reader(None, error='echoed {"password": "' + SECRET_PASSWORD + '"}')
    with pytest.raises(CredentialsUnavailable) as failure:
        resolve_smoke_credentials(prod, environ={}, read_secret=read)
    assert SECRET_PASSWORD not in str(failure.value)
    assert str(failure.value).endswith('(reading it failed: echoed {"password": "[redacted]"})')


MALFORMED = (
    'secret phenom-prod-smoke-credentials is not JSON with a non-empty "password" (and "username"): put '
    '{"username": ..., "password": ...} in it, or set PHENOM_SMOKE_PASSWORD'
)


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("not json but " + SECRET_PASSWORD, MALFORMED),
        (json.dumps([SECRET_PASSWORD]), MALFORMED),
        (json.dumps({"username": "test@thephenom.app", "password": ""}), MALFORMED),
        (json.dumps({"username": "test@thephenom.app", "password": 12345}), MALFORMED),
        (json.dumps({"username": "test@thephenom.app", "secret": SECRET_PASSWORD}), MALFORMED),
        (
            json.dumps({"username": "someone@example.com", "password": SECRET_PASSWORD}),
            "secret phenom-prod-smoke-credentials holds the password of someone@example.com but --env prod signs in "
            "as test@thephenom.app: make the secret and phenom_client/environments.toml name the same smoke user",
        ),
    ],
    ids=["not-json", "not-an-object", "empty-password", "numeric-password", "no-password", "another-user"],
)
def test_a_secret_the_smoke_user_cannot_use_is_refused_without_echoing_it(prod, secret, message):
    read, _ = reader(secret)
    with pytest.raises(CredentialsUnavailable) as failure:
        resolve_smoke_credentials(prod, environ={}, read_secret=read)
    assert str(failure.value) == message
    assert SECRET_PASSWORD not in str(failure.value)


def test_a_secret_without_a_username_signs_in_as_the_configured_user(prod):
    read, _ = reader(json.dumps({"password": SECRET_PASSWORD}))
    credentials = resolve_smoke_credentials(prod, environ={}, read_secret=read)
    assert credentials == SmokeCredentials(
        "test@thephenom.app", SECRET_PASSWORD, "secret phenom-prod-smoke-credentials"
    )
