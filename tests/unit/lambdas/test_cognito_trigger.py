"""The pre-token-generation trigger: stringified Hasura claims, an optional chat role, sign-in never blocked."""

from __future__ import annotations

import copy
import json
import uuid

import pytest

from lambdas.cognito_trigger import chat_role as chat_role_module
from lambdas.cognito_trigger.claims import CLAIMS_NAMESPACE, add_hasura_claims, hasura_claims
from lambdas.cognito_trigger.handler import handler
from tests.kit.events import cognito_event, lambda_context
from tests.kit.fake_hasura import graphql_error
from tests.kit.fixture_values import ADMIN_SECRET

pytestmark = pytest.mark.unit


TRIGGER_REQUEST_ID = "token-request-3"
# Hasura holds the lookup longer than this; the lookup's budget is cut to it, so giving up costs the test little.
SHORT_BUDGET_SECONDS = 0.1


def _token_event(sub: str, response: dict | None = None) -> dict:
    attributes = {"sub": sub, "email": "bob@example.com", "email_verified": "true"}
    return cognito_event("TokenGeneration_Authentication", attributes, response)


def _claims_of(event: dict) -> dict:
    encoded = event["response"]["claimsOverrideDetails"]["claimsToAddOrOverride"][CLAIMS_NAMESPACE]
    assert isinstance(encoded, str), "V1 claims must be strings"
    return json.loads(encoded)


def test_claims_without_chat_role():
    assert hasura_claims("u-1", None) == {
        "x-hasura-user-id": "u-1",
        "x-hasura-default-role": "user",
        "x-hasura-allowed-roles": ["user"],
    }


def test_every_claim_but_allowed_roles_is_a_string():
    claims = hasura_claims("u-1", "moderator")
    assert claims["x-hasura-chat-role"] == "moderator"
    assert all(isinstance(value, str) for name, value in claims.items() if name != "x-hasura-allowed-roles")


@pytest.mark.parametrize("response", [{}, {"claimsOverrideDetails": None}], ids=["empty", "null-details"])
def test_claims_are_added_to_an_empty_response(response):
    event = add_hasura_claims({"response": response}, hasura_claims("u-1", None))
    assert _claims_of(event)["x-hasura-user-id"] == "u-1"


def test_claims_are_compact_json_in_the_order_hasura_reads_them():
    event = add_hasura_claims({"response": {}}, hasura_claims("u-1", "moderator"))
    assert event["response"]["claimsOverrideDetails"]["claimsToAddOrOverride"][CLAIMS_NAMESPACE] == (
        '{"x-hasura-user-id":"u-1","x-hasura-default-role":"user","x-hasura-allowed-roles":["user"],'
        '"x-hasura-chat-role":"moderator"}'
    )


def test_existing_overrides_are_kept():
    response = {
        "claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tenant": "acme"},
            "claimsToSuppress": ["phone_number"],
            "groupOverrideDetails": {"groupsToOverride": ["admins"]},
        }
    }
    details = add_hasura_claims({"response": response}, hasura_claims("u-1", None))["response"]["claimsOverrideDetails"]
    assert details["claimsToAddOrOverride"]["tenant"] == "acme"
    assert details["claimsToSuppress"] == ["phone_number"]
    assert details["groupOverrideDetails"] == {"groupsToOverride": ["admins"]}


def test_chat_role_from_hasura_is_added(trigger_env, fake_hasura, log_lines):
    # GIVEN a chat member
    sub = str(uuid.uuid4())
    fake_hasura.answer("ChatRole", {"chat_members_by_pk": {"role": "moderator"}})
    # WHEN Cognito generates their token
    event = handler(_token_event(sub), lambda_context(TRIGGER_REQUEST_ID))
    # THEN the claims carry the user id and chat role, looked up by their sub with the admin secret
    assert _claims_of(event) == {**hasura_claims(sub, None), "x-hasura-chat-role": "moderator"}
    [call] = fake_hasura.calls
    assert (call.variables, call.admin_secret) == ({"id": sub}, ADMIN_SECRET)
    # AND one line says so, stamped with the invocation's request id
    assert [json.loads(line) for line in log_lines] == [
        {
            "level": "INFO",
            "logger": "phenom.cognito_trigger",
            "message": "hasura claims added",
            "request_id": TRIGGER_REQUEST_ID,
            "trigger_source": "TokenGeneration_Authentication",
            "chat_role": "moderator",
        }
    ]


@pytest.mark.parametrize(
    "member",
    [{"role": ""}, {"role": 5}, {"role": None}, {}, ["moderator"]],
    ids=["empty", "number", "null", "none", "list"],
)
def test_a_member_without_a_usable_role_has_no_chat_role(trigger_env, fake_hasura, member):
    fake_hasura.answer("ChatRole", {"chat_members_by_pk": member})
    assert chat_role_module.chat_role(str(uuid.uuid4())) is None


def test_user_without_membership_gets_no_chat_role(trigger_env, fake_hasura):
    sub = str(uuid.uuid4())
    fake_hasura.answer("ChatRole", {"chat_members_by_pk": None})
    assert _claims_of(handler(_token_event(sub), lambda_context())) == hasura_claims(sub, None)


def test_hasura_error_means_no_chat_role_and_a_warning(trigger_env, fake_hasura, log_lines):
    sub = str(uuid.uuid4())
    fake_hasura.answer("ChatRole", graphql_error("validation-failed", "field 'chat_members_by_pk' not found"))
    event = handler(_token_event(sub), lambda_context(TRIGGER_REQUEST_ID))
    assert _claims_of(event) == hasura_claims(sub, None)
    assert json.loads(log_lines[0]) == {
        "level": "WARNING",
        "logger": "phenom.cognito_trigger",
        "message": "chat role lookup failed; issuing the token without one",
        "request_id": TRIGGER_REQUEST_ID,
        "error": "HasuraGraphQLError: validation-failed: field 'chat_members_by_pk' not found",
    }


def test_slow_hasura_is_abandoned_within_the_budget(trigger_env, fake_hasura, deadline_clock, monkeypatch, log_lines):
    # GIVEN Hasura holds the lookup longer than the trigger's (shortened) budget, none of which is spent before the
    # lookup is sent (the deadline's clock stands still)
    monkeypatch.setattr(chat_role_module, "LOOKUP_BUDGET_SECONDS", SHORT_BUDGET_SECONDS)
    fake_hasura.hold("ChatRole")
    sub = str(uuid.uuid4())
    # WHEN the token is generated
    event = handler(_token_event(sub), lambda_context())
    # THEN the claims are there without a chat role and the give-up is logged with how long the lookup waited
    assert _claims_of(event) == hasura_claims(sub, None)
    [warning] = [entry for entry in map(json.loads, log_lines) if entry["level"] == "WARNING"]
    assert warning["error"] == (
        f"HasuraTransportError: timeout: no answer from {fake_hasura.url} within {SHORT_BUDGET_SECONDS:.1f} s: timed out"
    )


def test_missing_secret_means_no_chat_role(fake_hasura, aws, monkeypatch):
    monkeypatch.setenv("APP_SECRETS_ID", "phenom-unit-no-such-secret")
    monkeypatch.setenv("HASURA_GRAPHQL_URL", fake_hasura.url)
    sub = str(uuid.uuid4())
    assert _claims_of(handler(_token_event(sub), lambda_context())) == hasura_claims(sub, None)
    assert fake_hasura.calls == []


def test_missing_environment_means_no_chat_role(monkeypatch):
    monkeypatch.delenv("APP_SECRETS_ID", raising=False)
    sub = str(uuid.uuid4())
    assert _claims_of(handler(_token_event(sub), lambda_context())) == hasura_claims(sub, None)


def test_event_without_sub_is_returned_unchanged(trigger_env, log_lines):
    event = cognito_event("TokenGeneration_Authentication", {"email": "x@example.com"})
    before = copy.deepcopy(event)
    assert handler(event, lambda_context(TRIGGER_REQUEST_ID)) == before
    failure = json.loads(log_lines[-1])
    assert failure.pop("exception").splitlines()[-1] == "KeyError: 'sub'"
    assert failure == {
        "level": "ERROR",
        "logger": "phenom.cognito_trigger",
        "message": "could not add hasura claims",
        "request_id": TRIGGER_REQUEST_ID,
        "trigger_source": "TokenGeneration_Authentication",
    }
