"""Cognito sign-in and refresh against a stubbed cognito-idp: throttling retried, refusals explained, tokens hidden."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ParamValidationError,
    ReadTimeoutError,
)

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
    return session_over(cognito, test_env, test_credentials, attempts, clock=clock)


def session_over(cognito, test_env, test_credentials, attempts, clock=None, sleeps=None) -> CognitoSession:
    return CognitoSession(
        test_env,
        test_credentials,
        cognito=cognito,
        retry=RetryPolicy(max_attempts=3, max_total_seconds=10),
        observe=attempts.append,
        clock=clock or FakeClock(),
        sleep=(sleeps.append if sleeps is not None else lambda seconds: None),
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


def test_the_session_repr_shows_neither_token_nor_password(session, stubbed_cognito):
    _, stubber = stubbed_cognito
    stubber.add_response("initiate_auth", TOKENS)
    session.sign_in()
    assert FAKE_ID_TOKEN not in repr(session) and FAKE_PASSWORD not in repr(session)


class UnreachableCognito:
    """A cognito-idp client whose every call raises `error`, as botocore does when no answer comes back."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    def initiate_auth(self, **_: object) -> dict:
        self.calls += 1
        raise self.error


SIGNED_URL = "https://cognito-idp.us-east-1.amazonaws.com/?X-Amz-Signature=0123456789abcdef"


@pytest.mark.parametrize(
    ("error", "unreached"),
    [
        (EndpointConnectionError(endpoint_url=SIGNED_URL), True),
        (ConnectTimeoutError(endpoint_url=SIGNED_URL), True),
        (ReadTimeoutError(endpoint_url=SIGNED_URL), False),
    ],
    ids=["refused", "connect-timeout", "read-timeout"],
)
def test_no_answer_from_cognito_is_retried_and_names_the_region_without_the_signature(
    test_env, test_credentials, attempts, error, unreached
):
    cognito = UnreachableCognito(error)
    session = session_over(cognito, test_env, test_credentials, attempts)
    with pytest.raises(SignInFailed) as failure:
        session.sign_in()
    assert cognito.calls == 3
    assert (failure.value.transient, failure.value.unreached) == (True, unreached)
    assert str(failure.value) == (
        f"Cognito did not answer USER_PASSWORD_AUTH: {str(error).replace('0123456789abcdef', '[redacted]')}; "
        "check the network and the region (us-east-1) (gave up after 3 attempts)"
    )
    assert "0123456789abcdef" not in str(failure.value)
    assert [attempt.unreached for attempt in attempts] == [unreached] * 3


def test_a_request_botocore_cannot_send_is_not_retried(test_env, test_credentials, attempts):
    cognito = UnreachableCognito(ParamValidationError(report=f"PASSWORD {FAKE_ID_TOKEN} is too long"))
    session = session_over(cognito, test_env, test_credentials, attempts)
    with pytest.raises(SignInFailed) as failure:
        session.sign_in()
    assert cognito.calls == 1
    assert not failure.value.transient
    assert str(failure.value) == (
        "Cognito USER_PASSWORD_AUTH could not be sent: Parameter validation failed:\nPASSWORD [redacted] is too long"
    )


def test_retries_wait_the_policys_delays_and_report_each_attempts_time(test_env, test_credentials, attempts):
    # GIVEN a clock that moves 1 s on every reading, and a Cognito that never answers
    clock = FakeClock()

    def ticking() -> float:
        clock.now += 1
        return clock.now

    sleeps: list[float] = []
    cognito = UnreachableCognito(EndpointConnectionError(endpoint_url="https://cognito-idp.us-east-1.amazonaws.com/"))
    session = session_over(cognito, test_env, test_credentials, attempts, clock=ticking, sleeps=sleeps)
    with pytest.raises(SignInFailed):
        session.sign_in()
    # THEN the session slept the policy's delays through its own sleep, and timed attempts with its own clock
    assert sleeps == [0.5, 1.0]
    assert [(attempt.operation, attempt.number, attempt.ms) for attempt in attempts] == [
        ("sign in", 1, 2000.0),
        ("sign in", 2, 2000.0),
        ("sign in", 3, 2000.0),
    ]


def test_the_challenge_message_names_the_flow_the_user_and_the_challenge(session, stubbed_cognito):
    _, stubber = stubbed_cognito
    stubber.add_response("initiate_auth", {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "s" * 20})
    with pytest.raises(SignInFailed) as failure:
        session.sign_in()
    assert str(failure.value) == (
        "Cognito answered USER_PASSWORD_AUTH for smoke@example.com with the challenge NEW_PASSWORD_REQUIRED instead "
        "of tokens: give the user a permanent password (aws cognito-idp admin-set-user-password --permanent)"
    )


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        (
            "NotAuthorizedException",
            "; check the password from PHENOM_SMOKE_PASSWORD and that app client unit-client allows USER_PASSWORD_AUTH",
        ),
        ("UserNotFoundException", "; check smoke_username and client_id for --env unit"),
        ("ResourceNotFoundException", "; check smoke_username and client_id for --env unit"),
        ("InvalidParameterException", ""),
    ],
)
def test_a_refusal_names_the_flow_the_user_the_code_and_what_to_check(session, stubbed_cognito, attempts, code, hint):
    _, stubber = stubbed_cognito
    stubber.add_client_error("initiate_auth", code, f"refused, token {FAKE_ID_TOKEN}", 400)
    with pytest.raises(SignInFailed) as failure:
        session.sign_in()
    assert (
        str(failure.value)
        == f"Cognito refused USER_PASSWORD_AUTH for smoke@example.com: {code}: refused, token [redacted]{hint}"
    )
    assert not failure.value.transient
    assert len(attempts) == 1


@pytest.mark.parametrize(
    ("response", "shown"),
    [
        ({"Error": {"Message": "no code"}}, "unknown: no code"),
        ({"Error": {"Code": "InternalErrorException"}}, "InternalErrorException: "),
        ({}, "unknown: "),
    ],
    ids=["no-code", "no-message", "no-error"],
)
def test_a_refusal_without_a_code_or_a_message_says_so(test_env, test_credentials, attempts, response, shown):
    session = session_over(
        UnreachableCognito(ClientError(response, "InitiateAuth")), test_env, test_credentials, attempts
    )
    with pytest.raises(SignInFailed) as failure:
        session.sign_in()
    assert str(failure.value) == f"Cognito refused USER_PASSWORD_AUTH for smoke@example.com: {shown}"


@pytest.mark.parametrize(
    ("code", "status", "tries"),
    [
        ("ThrottlingException", 400, 3),
        ("TooManyRequestsException", 400, 3),
        ("InternalErrorException", 503, 3),
        ("InternalErrorException", 502, 3),
        ("InternalErrorException", 500, 1),
    ],
)
def test_throttling_and_gateway_statuses_are_retried_other_refusals_are_not(
    session, stubbed_cognito, attempts, code, status, tries
):
    _, stubber = stubbed_cognito
    for _ in range(tries):
        stubber.add_client_error("initiate_auth", code, "try later", status)
    with pytest.raises(SignInFailed) as failure:
        session.sign_in()
    assert (len(attempts), failure.value.attempts) == (tries, tries)


def test_a_refresh_is_reported_as_its_own_operation_and_keeps_a_refresh_token_cognito_did_not_rotate(
    session, stubbed_cognito, clock, test_env, attempts
):
    # GIVEN a signed-in session whose refresh answers carry no RefreshToken, then a rotated one
    _, stubber = stubbed_cognito
    stubber.add_response("initiate_auth", TOKENS)
    session.sign_in()
    for sent, answer in [
        ("refresh-1", {"IdToken": "eyJ.second.token", "ExpiresIn": 3600}),
        ("refresh-1", {"IdToken": "eyJ.third.token", "RefreshToken": "refresh-rotated", "ExpiresIn": 3600}),
        ("refresh-rotated", {"IdToken": "eyJ.fourth.token", "ExpiresIn": 3600}),
    ]:
        stubber.add_response(
            "initiate_auth",
            {"AuthenticationResult": answer},
            {
                "ClientId": test_env.client_id,
                "AuthFlow": "REFRESH_TOKEN_AUTH",
                "AuthParameters": {"REFRESH_TOKEN": sent},
            },
        )
        # WHEN each token is an hour old
        clock.now += 3600
        # THEN the refresh sends the newest refresh token Cognito gave
        assert session.id_token() == answer["IdToken"]
    assert [attempt.operation for attempt in attempts] == ["sign in"] + ["token refresh"] * 3


def test_a_refresh_cognito_cannot_answer_is_raised_not_replaced_by_a_new_sign_in(
    test_env, test_credentials, attempts, stubbed_cognito
):
    # GIVEN a session signed in through the stub, whose refresh then meets no Cognito at all
    cognito, stubber = stubbed_cognito
    clock = FakeClock()
    session = session_over(cognito, test_env, test_credentials, attempts, clock=clock)
    stubber.add_response("initiate_auth", TOKENS)
    session.sign_in()
    session.cognito = UnreachableCognito(EndpointConnectionError(endpoint_url="https://cognito-idp.example/"))
    clock.now += 3600
    with pytest.raises(SignInFailed, match="^Cognito did not answer REFRESH_TOKEN_AUTH: "):
        session.id_token()
    assert session.cognito.calls == 3


@pytest.mark.parametrize(
    ("answer", "refreshed_after"),
    [
        ({"IdToken": FAKE_ID_TOKEN, "RefreshToken": "refresh-1", "ExpiresIn": 600}, 300),
        ({"IdToken": FAKE_ID_TOKEN, "RefreshToken": "refresh-1"}, 3300),
    ],
    ids=["ten-minute-token", "no-expiry-means-an-hour"],
)
def test_a_token_is_refreshed_exactly_when_five_minutes_of_it_are_left(
    session, stubbed_cognito, clock, answer, refreshed_after
):
    _, stubber = stubbed_cognito
    stubber.add_response("initiate_auth", {"AuthenticationResult": answer})
    session.sign_in()
    clock.now += refreshed_after - 0.5
    assert session.id_token() == FAKE_ID_TOKEN
    stubber.add_response("initiate_auth", {"AuthenticationResult": {"IdToken": "eyJ.refreshed.token"}})
    clock.now += 0.5
    assert session.id_token() == "eyJ.refreshed.token"


@pytest.mark.parametrize(
    "answer",
    [{"RefreshToken": "refresh-1"}, {"IdToken": FAKE_ID_TOKEN}, {"IdToken": "", "RefreshToken": "refresh-1"}],
    ids=["no-id-token", "no-refresh-token", "empty-id-token"],
)
def test_tokens_without_an_id_or_refresh_token_are_refused(session, stubbed_cognito, answer):
    _, stubber = stubbed_cognito
    stubber.add_response("initiate_auth", {"AuthenticationResult": answer})
    with pytest.raises(SignInFailed) as failure:
        session.sign_in()
    assert str(failure.value) == (
        "Cognito answered without an IdToken or RefreshToken: check the app client's auth flows"
    )


def test_asking_for_a_token_before_signing_in_is_refused_with_the_fix(session):
    with pytest.raises(SignInFailed) as failure:
        session.id_token()
    assert str(failure.value) == "not signed in yet: call sign_in() before calling the API"


def test_the_kept_tokens_stay_out_of_their_repr(session, stubbed_cognito):
    # pytest --showlocals and tracebacks print the session's fields: the tokens it holds must not show.
    _, stubber = stubbed_cognito
    stubber.add_response("initiate_auth", TOKENS)
    session.sign_in()
    shown = repr(session._tokens)
    assert FAKE_ID_TOKEN not in shown and "refresh-1" not in shown
    assert repr(session) == "CognitoSession(user='smoke@example.com', pool='us-east-1_unit', signed_in=True)"
