"""Cognito sign-in and refresh against a stubbed cognito-idp: throttling retried, refusals explained, tokens hidden."""

from __future__ import annotations

import pytest

from phenom_client.auth import CognitoSession
from phenom_client.errors import SignInFailed
from phenom_client.retry import RetryPolicy
from tests.kit.clock import FakeClock
from tests.unit.client.conftest import FAKE_ID_TOKEN, FAKE_PASSWORD

pytestmark = pytest.mark.unit

TOKENS = {"AuthenticationResult": {"IdToken": FAKE_ID_TOKEN, "RefreshToken": "refresh-1", "ExpiresIn": 3600}}


@pytest.fixture
def clock() -> FakeClock:
    """A clock at t=1000 s."""
    return FakeClock()


@pytest.fixture
def attempts() -> list:
    """Every attempt the session reports."""
    return []


@pytest.fixture
def session(test_env, test_credentials, stubbed_cognito, clock, attempts) -> CognitoSession:
    """A session over the stubbed Cognito whose retries do not sleep."""
    cognito, _ = stubbed_cognito
    return CognitoSession(
        test_env,
        test_credentials,
        cognito=cognito,
        retry=RetryPolicy(max_attempts=3, max_total_seconds=10),
        observe=attempts.append,
        clock=clock,
        sleep=lambda seconds: None,
    )


def password_flow(test_env) -> dict:
    return {
        "ClientId": test_env.client_id,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "smoke@example.com", "PASSWORD": FAKE_PASSWORD},
    }


def test_sign_in_sends_user_password_auth_and_keeps_the_id_token(session, stubbed_cognito, test_env):
    _, stubber = stubbed_cognito
    stubber.add_response("initiate_auth", TOKENS, password_flow(test_env))
    session.sign_in()
    assert session.id_token() == FAKE_ID_TOKEN


def test_throttling_is_retried_and_both_attempts_reported(session, stubbed_cognito, attempts):
    _, stubber = stubbed_cognito
    stubber.add_client_error("initiate_auth", "TooManyRequestsException", "Rate exceeded", 400)
    stubber.add_response("initiate_auth", TOKENS)
    session.sign_in()
    assert [(a.number, a.succeeded) for a in attempts] == [(1, False), (2, True)]
    assert "TooManyRequestsException" in attempts[0].error


def test_a_wrong_password_is_not_retried_and_names_where_the_password_came_from(session, stubbed_cognito, attempts):
    _, stubber = stubbed_cognito
    stubber.add_client_error("initiate_auth", "NotAuthorizedException", "Incorrect username or password.", 400)
    with pytest.raises(SignInFailed) as failure:
        session.sign_in()
    assert len(attempts) == 1
    message = str(failure.value)
    assert "NotAuthorizedException: Incorrect username or password." in message
    assert "PHENOM_SMOKE_PASSWORD" in message
    assert FAKE_PASSWORD not in message


def test_a_password_challenge_says_how_to_fix_the_user(session, stubbed_cognito):
    _, stubber = stubbed_cognito
    stubber.add_response("initiate_auth", {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "s" * 20})
    with pytest.raises(SignInFailed, match="admin-set-user-password --permanent"):
        session.sign_in()


def test_an_id_token_near_expiry_is_refreshed_with_the_refresh_token(session, stubbed_cognito, clock, test_env):
    # GIVEN a session signed in an hour-long token ago, minus four minutes
    _, stubber = stubbed_cognito
    stubber.add_response("initiate_auth", TOKENS)
    session.sign_in()
    clock.now += 3600 - 240
    # WHEN the token is asked for, THEN REFRESH_TOKEN_AUTH runs and its token is returned
    stubber.add_response(
        "initiate_auth",
        {"AuthenticationResult": {"IdToken": "eyJ.refreshed.token", "ExpiresIn": 3600}},
        {
            "ClientId": test_env.client_id,
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": "refresh-1"},
        },
    )
    assert session.id_token() == "eyJ.refreshed.token"


def test_a_fresh_id_token_is_not_refreshed(session, stubbed_cognito, clock):
    _, stubber = stubbed_cognito
    stubber.add_response("initiate_auth", TOKENS)
    session.sign_in()
    clock.now += 60
    assert session.id_token() == FAKE_ID_TOKEN


def test_a_refused_refresh_falls_back_to_signing_in_again(session, stubbed_cognito, clock):
    _, stubber = stubbed_cognito
    stubber.add_response("initiate_auth", TOKENS)
    session.sign_in()
    clock.now += 3600
    stubber.add_client_error("initiate_auth", "NotAuthorizedException", "Refresh Token has expired", 400)
    stubber.add_response(
        "initiate_auth",
        {"AuthenticationResult": {"IdToken": "eyJ.new.signin", "RefreshToken": "refresh-2", "ExpiresIn": 3600}},
    )
    assert session.id_token() == "eyJ.new.signin"


def test_asking_for_a_token_before_signing_in_says_what_to_do(session):
    with pytest.raises(SignInFailed, match="call sign_in"):
        session.id_token()


def test_the_session_repr_shows_neither_token_nor_password(session, stubbed_cognito):
    _, stubber = stubbed_cognito
    stubber.add_response("initiate_auth", TOKENS)
    session.sign_in()
    assert FAKE_ID_TOKEN not in repr(session) and FAKE_PASSWORD not in repr(session)
