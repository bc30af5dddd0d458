"""Cognito Lambda triggers for moto, which stores a pool's LambdaConfig but never invokes it.

This is the one point where the stack wraps moto. The wrapping runs in the moto process (phenom_stack.moto_process),
next to the backends it changes: that process enters `cognito_triggers(functions)` before it serves. The context
manager, while it is active, patches these moto 5.2.5 methods (moto/cognitoidp/models.py) and restores them on exit:

- `CognitoIdpUserPool.create_refresh_token`: moto calls it once per completed sign-in (initiate_auth with
  USER_PASSWORD_AUTH, and `_log_user_in` behind admin_initiate_auth and respond_to_auth_challenge) and never on a
  refresh. Cognito runs post authentication "after authentication is complete, before a user has received
  tokens", so PostAuthentication_Authentication fires here, before moto creates any token.
- `CognitoIdpUserPool.create_jwt` with token_use "id": the V1 pre token generation event goes to the trigger, and
  its claimsToAddOrOverride, claimsToSuppress and groupOverrideDetails shape the claims before moto signs them.
  triggerSource is TokenGeneration_Authentication for the first ID token of a sign-in (its origin_jti was just made
  by create_refresh_token) and TokenGeneration_RefreshTokens after that.
- `CognitoIdpBackend.confirm_sign_up`, `admin_confirm_sign_up` (PostConfirmation_ConfirmSignUp) and
  `confirm_forgot_password` (PostConfirmation_ConfirmForgotPassword), after moto has updated the user.

Only a pool whose LambdaConfig names a trigger fires it. The ARN found there is resolved to a local Lambda host's
Invoke API; a function error or timeout fails the Cognito call with UserLambdaValidationException, as Cognito does.
Known gaps: moto puts `email` into every ID token of an email-username pool outside the claims it lets us shape,
so claimsToSuppress cannot remove it there; groupOverrideDetails changes the ID token only; the
NEW_PASSWORD_REQUIRED answer is reported as TokenGeneration_Authentication.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from unittest import mock

from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPool
from moto.core.exceptions import JsonRESTError

from phenom_stack.errors import StackStartError
from phenom_stack.lambda_invoke import FunctionError, invoke

# Cognito waits 5 s for a trigger (facts §5.1).
TRIGGER_TIMEOUT_SECONDS = 5.0
# Claims a V1 pre token generation trigger cannot add, override or suppress (facts §5.2).
UNMODIFIABLE_CLAIMS = frozenset(
    [
        "acr",
        "amr",
        "aud",
        "at_hash",
        "auth_time",
        "azp",
        "cognito:username",
        "exp",
        "iat",
        "identities",
        "iss",
        "jti",
        "nbf",
        "nonce",
        "origin_jti",
        "sub",
        "token_use",
    ]
)
# What Cognito puts in callerContext.clientId when an admin API call has no app client.
NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"
SDK_VERSION = "aws-sdk-unknown-unknown"


class UserLambdaValidationException(JsonRESTError):
    """A trigger Lambda failed; Cognito fails the API call with this error."""

    def __init__(self, trigger: str, reason: str) -> None:
        super().__init__("UserLambdaValidationException", f"{trigger} failed with error {reason}.")


class _Wiring:
    """The active wiring: which local Invoke URL serves which Lambda ARN, and which sign-ins are fresh."""

    def __init__(self, functions: Mapping[str, str]) -> None:
        self.functions = dict(functions)
        self.fresh_sign_ins: set[str] = set()
        self.lock = threading.Lock()

    def call(self, trigger: str, arn: str, event: dict) -> dict:
        url = self.functions.get(arn)
        if url is None:
            raise UserLambdaValidationException(trigger, f"no local Lambda host serves {arn}")
        function_name = arn.rsplit(":", 1)[-1]
        try:
            result = invoke(url, function_name, event, TRIGGER_TIMEOUT_SECONDS)
        except FunctionError as error:
            raise UserLambdaValidationException(trigger, error.error_message) from error
        except OSError as error:
            raise UserLambdaValidationException(trigger, f"the function did not answer: {error}") from error
        if not isinstance(result, dict):
            raise UserLambdaValidationException(trigger, "invalid lambda response: the event object was not returned")
        return result


_active: _Wiring | None = None
_activation_lock = threading.Lock()


@contextmanager
def cognito_triggers(functions: Mapping[str, str]) -> Iterator[None]:
    """Run the triggers named in each pool's LambdaConfig; functions maps Lambda ARN -> local Invoke API URL."""
    global _active
    with _activation_lock:
        if _active is not None:
            raise StackStartError(
                "Cognito triggers are already wired in this process: wire them once per moto process "
                "(phenom_stack.moto_process does), and start another moto process for another wiring"
            )
        _active = _Wiring(functions)
    try:
        with ExitStack() as patches:
            for owner, name, replacement in _PATCHES:
                patches.enter_context(mock.patch.object(owner, name, _wrap(getattr(owner, name), replacement)))
            yield
    finally:
        with _activation_lock:
            _active = None


def _wrap(original, replacement):
    def wrapper(self, *args, **kwargs):
        return replacement(original, self, *args, **kwargs)

    return wrapper


def _create_refresh_token(original, pool: CognitoIdpUserPool, client_id: str, username: str):
    arn = _trigger_arn(pool, "PostAuthentication")
    if arn:
        event = _event(pool, "PostAuthentication_Authentication", client_id, pool._get_user(username))
        event["request"]["newDeviceUsed"] = False
        _active.call("PostAuthentication", arn, event)
    refresh_token, origin_jti = original(pool, client_id, username)
    with _active.lock:
        _active.fresh_sign_ins.add(origin_jti)
    return refresh_token, origin_jti


def _create_jwt(
    original, pool: CognitoIdpUserPool, client_id, username, token_use, expires_in=60 * 60, extra_data=None
):
    claims = dict(extra_data or {})
    arn = _trigger_arn(pool, "PreTokenGeneration") if token_use == "id" else None
    if arn:
        claims = _pre_token_generation(pool, arn, client_id, username, claims)
    return original(pool, client_id, username, token_use, expires_in=expires_in, extra_data=claims)


def _pre_token_generation(pool: CognitoIdpUserPool, arn: str, client_id: str, username: str, claims: dict) -> dict:
    with _active.lock:
        fresh = claims.get("origin_jti") in _active.fresh_sign_ins
        _active.fresh_sign_ins.discard(claims.get("origin_jti"))
    source = "TokenGeneration_Authentication" if fresh else "TokenGeneration_RefreshTokens"
    user = pool._get_user(username)
    groups = sorted(user.groups, key=lambda group: (group.precedence is None, group.precedence or 0))
    event = _event(pool, source, client_id, user)
    event["request"].update(
        {
            "groupConfiguration": {
                "groupsToOverride": [group.group_name for group in groups],
                "iamRolesToOverride": [group.role_arn for group in groups if group.role_arn],
                "preferredRole": next((group.role_arn for group in groups if group.role_arn), None),
            },
        }
    )
    event["response"] = {"claimsOverrideDetails": None}
    details = (_active.call("PreTokenGeneration", arn, event).get("response") or {}).get("claimsOverrideDetails")
    return _apply_claims_override(claims, details or {})


def _apply_claims_override(claims: dict, details: dict) -> dict:
    additions = details.get("claimsToAddOrOverride") or {}
    not_strings = sorted(name for name, value in additions.items() if not isinstance(value, str))
    if not_strings:
        # V1 events take string claims only (facts §5.2); the Hasura claims travel as stringified JSON for this reason.
        raise UserLambdaValidationException(
            "PreTokenGeneration", f"invalid lambda response: claims {not_strings} are not strings"
        )
    shaped = dict(claims)
    shaped.update({name: value for name, value in additions.items() if name not in UNMODIFIABLE_CLAIMS})
    for name in details.get("claimsToSuppress") or ():
        if name not in UNMODIFIABLE_CLAIMS:
            shaped.pop(name, None)
    group_override = details.get("groupOverrideDetails") or {}
    if "groupsToOverride" in group_override:
        shaped.pop("cognito:groups", None)
        if group_override["groupsToOverride"]:
            shaped["cognito:groups"] = list(group_override["groupsToOverride"])
    return shaped


def _confirm_sign_up(original, backend: CognitoIdpBackend, client_id: str, username: str):
    result = original(backend, client_id, username)
    pool = _pool_of_client(backend, client_id)
    _post_confirmation(pool, "PostConfirmation_ConfirmSignUp", client_id, username)
    return result


def _admin_confirm_sign_up(original, backend: CognitoIdpBackend, user_pool_id: str, username: str):
    result = original(backend, user_pool_id, username)
    _post_confirmation(backend.describe_user_pool(user_pool_id), "PostConfirmation_ConfirmSignUp", NO_CLIENT, username)
    return result


def _confirm_forgot_password(
    original, backend: CognitoIdpBackend, client_id: str, username: str, password: str, confirmation_code: str
):
    result = original(backend, client_id, username, password, confirmation_code)
    pool = _pool_of_client(backend, client_id)
    _post_confirmation(pool, "PostConfirmation_ConfirmForgotPassword", client_id, username)
    return result


def _post_confirmation(pool: CognitoIdpUserPool, source: str, client_id: str, username: str) -> None:
    arn = _trigger_arn(pool, "PostConfirmation")
    if arn:
        _active.call("PostConfirmation", arn, _event(pool, source, client_id, pool._get_user(username)))


def _pool_of_client(backend: CognitoIdpBackend, client_id: str) -> CognitoIdpUserPool:
    return next(pool for pool in backend.user_pools.values() if client_id in pool.clients)


def _trigger_arn(pool: CognitoIdpUserPool, trigger: str) -> str | None:
    config = pool.extended_config.get("LambdaConfig") or {}
    if trigger == "PreTokenGeneration" and config.get("PreTokenGenerationConfig"):
        version = config["PreTokenGenerationConfig"].get("LambdaVersion", "V1_0")
        if version != "V1_0":
            raise UserLambdaValidationException(
                trigger, f"the local stack sends V1_0 events only, the pool asks for {version}"
            )
        return config["PreTokenGenerationConfig"].get("LambdaArn") or config.get(trigger)
    return config.get(trigger)


def _event(pool: CognitoIdpUserPool, source: str, client_id: str, user) -> dict:
    """The fields every trigger event has; clientMetadata stays empty because moto drops a call's ClientMetadata."""
    attributes = {attribute["Name"]: attribute["Value"] for attribute in user.attributes}
    attributes["cognito:user_status"] = getattr(user.status, "value", user.status)
    return {
        "version": "1",
        "triggerSource": source,
        "region": pool.region,
        "userPoolId": pool.id,
        "userName": user.username,
        "callerContext": {"awsSdkVersion": SDK_VERSION, "clientId": client_id},
        "request": {"userAttributes": attributes, "clientMetadata": {}},
        "response": {},
    }


_PATCHES = (
    (CognitoIdpUserPool, "create_refresh_token", _create_refresh_token),
    (CognitoIdpUserPool, "create_jwt", _create_jwt),
    (CognitoIdpBackend, "confirm_sign_up", _confirm_sign_up),
    (CognitoIdpBackend, "admin_confirm_sign_up", _admin_confirm_sign_up),
    (CognitoIdpBackend, "confirm_forgot_password", _confirm_forgot_password),
)
