"""Cognito sign-in (USER_PASSWORD_AUTH) and refresh (REFRESH_TOKEN_AUTH) of the ID token the API expects."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from phenom_client.aws import client_for
from phenom_client.credentials import SmokeCredentials
from phenom_client.environments import EnvConfig
from phenom_client.errors import SignInFailed
from phenom_client.reachability import botocore_never_answered
from phenom_client.redaction import redact
from phenom_client.retry import TRANSIENT_STATUSES, AttemptObserver, RetryPolicy, call_with_retries
from phenom_client.timeouts import Timeouts
from phenom_client.tracing import add_traceparent

# Cognito's answers to too many calls: worth another try.
TRANSIENT_COGNITO_CODES = frozenset({"TooManyRequestsException", "ThrottlingException"})


@dataclass(frozen=True)
class _Tokens:
    id_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float


def cognito_client(env: EnvConfig, timeouts: Timeouts) -> Any:
    """A cognito-idp client for `env` whose own retries are off: the client's retry policy counts and reports them.
    InitiateAuth is an unsigned call, so no AWS credentials are needed."""
    client = client_for("cognito-idp", env, total_max_attempts=1, timeouts=timeouts)
    client.meta.events.register("request-created.cognito-idp", add_traceparent)
    return client


@dataclass(repr=False, eq=False)
class CognitoSession:
    """The smoke user's ID token: signed in once, refreshed when less than `refresh_margin_seconds` of it is left."""

    env: EnvConfig
    credentials: SmokeCredentials
    _: KW_ONLY
    cognito: Any
    retry: RetryPolicy
    observe: AttemptObserver
    refresh_margin_seconds: float = 300.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _tokens: _Tokens | None = field(default=None, init=False)

    def __repr__(self) -> str:
        signed_in = self._tokens is not None
        return f"CognitoSession(user={self.credentials.username!r}, pool={self.env.user_pool_id!r}, {signed_in=})"

    def sign_in(self) -> None:
        """Exchange the username and password for tokens."""
        result = self._initiate(
            "sign in",
            "USER_PASSWORD_AUTH",
            {"USERNAME": self.credentials.username, "PASSWORD": self.credentials.password},
        )
        self._tokens = self._tokens_from(result, refresh_token=result.get("RefreshToken"))

    def id_token(self) -> str:
        """The current ID token, refreshed first when it is about to expire."""
        if self._tokens is None:
            raise SignInFailed("not signed in yet: call sign_in() before calling the API")
        if self.clock() >= self._tokens.expires_at - self.refresh_margin_seconds:
            self._refresh()
        return self._tokens.id_token

    def _refresh(self) -> None:
        assert self._tokens is not None
        try:
            result = self._initiate(
                "token refresh", "REFRESH_TOKEN_AUTH", {"REFRESH_TOKEN": self._tokens.refresh_token}
            )
        except SignInFailed as error:
            if error.transient:
                raise
            # A revoked or expired refresh token: the password still works, so sign in again.
            self.sign_in()
            return
        # Cognito does not rotate the refresh token on REFRESH_TOKEN_AUTH unless rotation is enabled.
        self._tokens = self._tokens_from(result, refresh_token=result.get("RefreshToken") or self._tokens.refresh_token)

    def _tokens_from(self, result: dict[str, Any], *, refresh_token: str | None) -> _Tokens:
        if not result.get("IdToken") or not refresh_token:
            raise SignInFailed("Cognito answered without an IdToken or RefreshToken: check the app client's auth flows")
        return _Tokens(result["IdToken"], refresh_token, self.clock() + float(result.get("ExpiresIn", 3600)))

    def _initiate(self, operation: str, flow: str, parameters: dict[str, str]) -> dict[str, Any]:
        def attempt() -> dict[str, Any]:
            try:
                answer = self.cognito.initiate_auth(
                    ClientId=self.env.client_id, AuthFlow=flow, AuthParameters=parameters
                )
            except ClientError as error:
                raise self._refusal(flow, error) from None
            except (BotoConnectionError, HTTPClientError) as error:
                raise SignInFailed(
                    f"Cognito did not answer {flow}: {redact(str(error))}; "
                    f"check the network and the region ({self.env.region})",
                    transient=True,
                    unreached=botocore_never_answered(error),
                ) from None
            except BotoCoreError as error:
                raise SignInFailed(f"Cognito {flow} could not be sent: {redact(str(error))}") from None
            if "AuthenticationResult" not in answer:
                raise SignInFailed(
                    f"Cognito answered {flow} for {self.credentials.username} with the challenge "
                    f"{answer.get('ChallengeName')} instead of tokens: give the user a permanent password "
                    "(aws cognito-idp admin-set-user-password --permanent)"
                )
            return answer["AuthenticationResult"]

        return call_with_retries(operation, attempt, self.retry, self.observe, sleep=self.sleep, clock=self.clock)

    def _refusal(self, flow: str, error: ClientError) -> SignInFailed:
        code = error.response.get("Error", {}).get("Code", "unknown")
        message = error.response.get("Error", {}).get("Message", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        hint = ""
        if code == "NotAuthorizedException":
            hint = (
                f"; check the password from {self.credentials.source} and that app client "
                f"{self.env.client_id} allows {flow}"
            )
        elif code in ("UserNotFoundException", "ResourceNotFoundException"):
            hint = f"; check smoke_username and client_id for --env {self.env.name}"
        return SignInFailed(
            redact(f"Cognito refused {flow} for {self.credentials.username}: {code}: {message}{hint}"),
            transient=code in TRANSIENT_COGNITO_CODES or status in TRANSIENT_STATUSES,
        )
