"""The stack's users get their users rows even when the confirmation's sync ran out of time (aws_bootstrap)."""

from __future__ import annotations

import pytest

from phenom_stack.aws_bootstrap import RECORD_ATTEMPTS, CognitoPool, record_missing_users
from phenom_stack.errors import StackStartError
from phenom_stack.local_stack import StackUser

pytestmark = pytest.mark.unit

POOL = CognitoPool("us-east-1_pool", "app-client")
SMOKE = StackUser("smoke@phenom.local", "smoke-password-Aa1!", "sub-smoke")
OTHER = StackUser("other@phenom.local", "other-password-Aa1!", "sub-other")


class SyncingCognito:
    """initiate_auth as the pool runs it: each sign-in runs the post-authentication sync, which records the user
    unless it is one the sync keeps failing for."""

    def __init__(self, rows: set[str], failing: frozenset[str] = frozenset()) -> None:
        self.rows = rows
        self.failing = failing
        self.sign_ins: list[dict] = []

    def initiate_auth(self, **request) -> dict:
        self.sign_ins.append(request)
        user = next(user for user in (SMOKE, OTHER) if user.username == request["AuthParameters"]["USERNAME"])
        if user.sub not in self.failing:
            self.rows.add(user.sub)
        return {"AuthenticationResult": {}}


def test_recorded_users_are_not_signed_in_again():
    cognito = SyncingCognito({SMOKE.sub, OTHER.sub})
    record_missing_users(cognito, POOL, (SMOKE, OTHER), lambda: set(cognito.rows))
    assert cognito.sign_ins == []


def test_a_user_the_confirmation_left_unrecorded_is_signed_in_so_post_authentication_records_it():
    # GIVEN the confirmation's sync recorded the smoke user only
    cognito = SyncingCognito({SMOKE.sub})
    # WHEN the stack checks its users
    record_missing_users(cognito, POOL, (SMOKE, OTHER), lambda: set(cognito.rows))
    # THEN the other user signed in once, with the app client's password flow, and now has its row
    assert cognito.sign_ins == [
        {
            "ClientId": POOL.client_id,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": OTHER.username, "PASSWORD": OTHER.password},
        }
    ]
    assert cognito.rows == {SMOKE.sub, OTHER.sub}


def test_a_user_the_sync_never_records_stops_the_start_naming_it_and_not_its_password():
    cognito = SyncingCognito({SMOKE.sub}, failing=frozenset({OTHER.sub}))
    with pytest.raises(StackStartError) as refused:
        record_missing_users(cognito, POOL, (SMOKE, OTHER), lambda: set(cognito.rows))
    assert str(refused.value) == (
        f"the users sync Lambda did not record other@phenom.local in the users table, after their confirmation and "
        f"{RECORD_ATTEMPTS} sign-ins: see the cognito_sync_users host's log"
    )
    assert len(cognito.sign_ins) == RECORD_ATTEMPTS
    assert OTHER.password not in str(refused.value)
