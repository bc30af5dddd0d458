"""Removing the phenoms contract tests create, whether a test created them on purpose or a refusal failed."""

from __future__ import annotations

import requests

from tests.contract.backend_calls import call_action_as
from tests.contract.sign_in import SignedInUser


def delete_phenom_as(action_url: str, user: SignedInUser, phenom_id: str) -> requests.Response:
    """deletePhenom for `user` (as cleanup, a 404 for an already deleted phenom is fine)."""
    return call_action_as(action_url, user, "deletePhenom", {"phenomId": phenom_id})
