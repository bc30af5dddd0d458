"""The Cognito triggers bound every Hasura call by their own budget, well inside the 5 s Cognito waits, never by the
Hasura client's 10 s default."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from lambdas.cognito_sync_users import sync
from lambdas.cognito_trigger import chat_role
from lambdas.shared import app_secrets
from lambdas.shared.aws import ClientSettings
from lambdas.shared.hasura import HasuraAdminClient

pytestmark = pytest.mark.unit

UUID_COLUMN = {"kind": "NON_NULL", "name": None, "ofType": {"kind": "SCALAR", "name": "uuid", "ofType": None}}


class _RecordingClient:
    """A HasuraAdminClient wrapper noting how long each call may wait."""

    def __init__(self, client: HasuraAdminClient, waits: list[float]) -> None:
        self._client, self._waits = client, waits

    def execute(self, document: str, variables: Any = None, *, timeout: float | None = None) -> dict:
        self._waits.append(timeout or self._client.timeout_seconds)
        return self._client.execute(document, variables, timeout=timeout)


def _record_waits(module: Any, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    real_admin_client = module.admin_client
    monkeypatch.setattr(module, "admin_client", lambda *args: _RecordingClient(real_admin_client(*args), waits))
    return waits


def test_user_sync_waits_at_most_its_budget_on_each_call(trigger_env, fake_hasura, monkeypatch):
    fake_hasura.answer("UsersInsertInput", {"__type": {"inputFields": [{"name": "id", "type": UUID_COLUMN}]}})
    fake_hasura.answer("UpsertUser", {"insert_users_one": {"id": "x"}})
    waits = _record_waits(sync, monkeypatch)
    assert sync.sync_user({"sub": str(uuid.uuid4())}) == ["id"]
    assert len(waits) == 2 and all(0 < wait <= sync.SYNC_BUDGET_SECONDS for wait in waits)


def test_chat_role_lookup_waits_at_most_its_budget(trigger_env, fake_hasura, monkeypatch):
    fake_hasura.answer("ChatRole", {"chat_members_by_pk": {"role": "moderator"}})
    waits = _record_waits(chat_role, monkeypatch)
    assert chat_role.chat_role(str(uuid.uuid4())) == "moderator"
    assert len(waits) == 1 and 0 < waits[0] <= chat_role.LOOKUP_BUDGET_SECONDS


def test_the_upsert_waits_what_the_sync_budget_has_left_after_the_introspection(
    trigger_env, fake_hasura, deadline_clock, monkeypatch
):
    # GIVEN an introspection that takes 0.5 s of the sync's budget and waits at most the client's own timeout
    def introspection(variables: Any) -> tuple[int, Any]:
        deadline_clock.now += 0.5
        return 200, {"data": {"__type": {"inputFields": [{"name": "id", "type": UUID_COLUMN}]}}}

    fake_hasura.answer("UsersInsertInput", introspection)
    fake_hasura.answer("UpsertUser", {"insert_users_one": {"id": "x"}})
    waits = _record_waits(sync, monkeypatch)
    # WHEN a user is synced
    sync.sync_user({"sub": str(uuid.uuid4())})
    # THEN the upsert may wait exactly what is left
    assert waits == [sync.HASURA_TIMEOUT_SECONDS, sync.SYNC_BUDGET_SECONDS - 0.5]


TRIGGER_LOOKUPS = {
    "user-sync": (sync, lambda: sync.sync_user({"sub": str(uuid.uuid4())})),
    "chat-role": (chat_role, lambda: chat_role.chat_role(str(uuid.uuid4()))),
}


@pytest.mark.parametrize("trigger", TRIGGER_LOOKUPS)
def test_the_admin_secret_is_fetched_with_the_triggers_short_aws_timeouts(
    trigger_env, fake_hasura, trigger, monkeypatch
):
    module, look_up = TRIGGER_LOOKUPS[trigger]
    fake_hasura.answer("UsersInsertInput", {"__type": {"inputFields": [{"name": "id", "type": UUID_COLUMN}]}})
    fake_hasura.answer("UpsertUser", {"insert_users_one": {"id": "x"}})
    fake_hasura.answer("ChatRole", {"chat_members_by_pk": None})
    settings: list[ClientSettings] = []
    real_aws_client = app_secrets.aws_client

    def recording_aws_client(service: str, given: ClientSettings) -> Any:
        settings.append(given)
        return real_aws_client(service, given)

    monkeypatch.setattr(app_secrets, "aws_client", recording_aws_client)
    look_up()
    assert settings == [module.SECRETS_SETTINGS]
