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


def test_chat_role_from_hasura_is_added(trigger_env, fake_hasura):
    # GIVEN a chat member
    sub = str(uuid.uuid4())
    fake_hasura.answer("ChatRole", {"chat_members_by_pk": {"role": "moderator"}})
    # WHEN Cognito generates their token
    event = handler(_token_event(sub), lambda_context())
    # THEN the claims carry the user id and chat role, looked up by their sub with the admin secret
    assert _claims_of(event) == {**hasura_claims(sub, None), "x-hasura-chat-role": "moderator"}
    [call] = fake_hasura.calls
    assert (call.variables, call.admin_secret) == ({"id": sub}, ADMIN_SECRET)


def test_user_without_membership_gets_no_chat_role(trigger_env, fake_hasura):
    sub = str(uuid.uuid4())
    fake_hasura.answer("ChatRole", {"chat_members_by_pk": None})
    assert _claims_of(handler(_token_event(sub), lambda_context())) == hasura_claims(sub, None)


def test_hasura_error_means_no_chat_role_and_a_warning(trigger_env, fake_hasura, log_lines):
    sub = str(uuid.uuid4())
    fake_hasura.answer("ChatRole", graphql_error("validation-failed", "field 'chat_members_by_pk' not found"))
    event = handler(_token_event(sub), lambda_context())
    assert _claims_of(event) == hasura_claims(sub, None)
    assert any(json.loads(line)["level"] == "WARNING" for line in log_lines)


def test_slow_hasura_is_abandoned_within_the_budget(trigger_env, fake_hasura, monkeypatch, log_lines):
    # GIVEN Hasura holds the lookup longer than the trigger's (shortened) budget
    monkeypatch.setattr(chat_role_module, "LOOKUP_BUDGET_SECONDS", 0.3)
    fake_hasura.hold("ChatRole")
    sub = str(uuid.uuid4())
    # WHEN the token is generated
    event = handler(_token_event(sub), lambda_context())
    # THEN the claims are there without a chat role and the give-up is logged
    assert _claims_of(event) == hasura_claims(sub, None)
    [warning] = [entry for entry in map(json.loads, log_lines) if entry["level"] == "WARNING"]
    # The read times out while Hasura holds it; on a loaded machine (the applied environments' Terraform runs beside
    # the unit tests) the budget can be spent before the request leaves, and the deadline itself gives up.
    assert "timed out" in warning["error"] or warning["error"].startswith("DeadlineExceeded")


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
    assert handler(event, lambda_context()) == before
    assert json.loads(log_lines[-1])["level"] == "ERROR"
