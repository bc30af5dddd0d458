"""Where the smoke password comes from, in order, and the message when it comes from nowhere."""

from __future__ import annotations

import json

import pytest

from phenom_client.credentials import PASSWORD_VARIABLE, resolve_smoke_credentials
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


def test_a_malformed_secret_is_refused_without_echoing_it(prod):
    read, _ = reader("not json but " + SECRET_PASSWORD)
    with pytest.raises(CredentialsUnavailable) as failure:
        resolve_smoke_credentials(prod, environ={}, read_secret=read)
    assert SECRET_PASSWORD not in str(failure.value)
    assert "is not JSON with a non-empty" in str(failure.value)


def test_a_secret_for_another_user_is_refused(prod):
    read, _ = reader(json.dumps({"username": "someone@example.com", "password": SECRET_PASSWORD}))
    with pytest.raises(
        CredentialsUnavailable,
        match="holds the password of someone@example.com but --env prod signs in as test@thephenom.app",
    ):
        resolve_smoke_credentials(prod, environ={}, read_secret=read)


def test_the_password_stays_out_of_the_repr(prod):
    read, _ = reader(json.dumps({"username": "test@thephenom.app", "password": SECRET_PASSWORD}))
    credentials = resolve_smoke_credentials(prod, environ={}, read_secret=read)
    assert SECRET_PASSWORD not in repr(credentials)
