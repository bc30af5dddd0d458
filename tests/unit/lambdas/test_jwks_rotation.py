"""A rotated Cognito key with the refetch cooldown production runs with: refused while the cooldown lasts, accepted
once it is over, without waiting in real time (PyJWKClient's clock is replaced, nothing else)."""

from __future__ import annotations

import types

import jwt.api_jwk
import jwt.jwk_set_cache
import jwt.jwks_client
import pytest

from lambdas.action_handler.errors import InvalidJwt
from lambdas.action_handler.services import ActionServices
from tests.kit.clock import FakeClock
from tests.kit.loopback_http import Reply
from tests.kit.tokens import JWKS_PATH, id_claims, jwks, new_signing_key, signed_token

pytestmark = pytest.mark.unit

# aws-jwt-verify, the verifier AWS documents for Cognito tokens, refetches a JWKS for an unknown kid at most once
# per 10 s: a key Cognito rotates in is accepted 10 s after the last fetch at the latest, and a stream of forged
# kids costs at most one fetch per 10 s. The handler promises the same, whatever its constants are named.
ROTATION_WINDOW_SECONDS = 10.0
JUST_UNDER = ROTATION_WINDOW_SECONDS - 0.5
JUST_OVER = ROTATION_WINDOW_SECONDS + 0.5


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock PyJWKClient times its refetch cooldown and its JWKS cache with, under the test's control."""
    fake = FakeClock()
    for module in (jwt.jwks_client, jwt.jwk_set_cache, jwt.api_jwk):
        monkeypatch.setattr(module, "time", types.SimpleNamespace(monotonic=fake))
    return fake


def test_rotated_key_waits_out_the_production_cooldown_then_is_accepted(
    action_config, loopback_server, signing_key, stranger_key, jwks_fetches, clock
):
    # GIVEN the handler's verifier, built as in production, has fetched the JWKS for a valid token at t0
    verifier = ActionServices(action_config).verifier
    verifier.caller_from_token(signed_token(signing_key, id_claims()))
    started = clock.now
    # AND the pool then rotates in a new key
    rotated = new_signing_key("rotated-key")
    loopback_server.route("GET", JWKS_PATH, lambda request: Reply(200, jwks(signing_key, rotated)))
    claims = id_claims()
    # WHEN a token signed with the new key arrives just inside the cooldown
    clock.now = started + JUST_UNDER
    with pytest.raises(InvalidJwt):
        verifier.caller_from_token(signed_token(rotated, claims))
    # THEN it is refused without a fetch
    assert jwks_fetches() == 1
    # WHEN the same token arrives once the cooldown is over
    clock.now = started + JUST_OVER
    caller = verifier.caller_from_token(signed_token(rotated, claims))
    # THEN the JWKS is fetched once more, the token accepted, and the old key still verifies
    assert (caller.sub, jwks_fetches()) == (claims["sub"], 2)
    assert verifier.caller_from_token(signed_token(signing_key, id_claims())).sub
    # AND forged kids right after that refetch start no new fetch until another window has passed
    for attempt in range(3):
        with pytest.raises(InvalidJwt):
            verifier.caller_from_token(signed_token(stranger_key, id_claims(), headers={"kid": f"forged-{attempt}"}))
    assert jwks_fetches() == 2
    clock.now = started + JUST_OVER + ROTATION_WINDOW_SECONDS + 0.5
    with pytest.raises(InvalidJwt):
        verifier.caller_from_token(signed_token(stranger_key, id_claims(), headers={"kid": "forged-late"}))
    assert jwks_fetches() == 3


def test_the_jwks_is_kept_for_an_hour_then_fetched_again(action_config, signing_key, jwks_fetches, clock):
    # GIVEN the handler's verifier has fetched the JWKS for a valid token
    verifier = ActionServices(action_config).verifier
    verifier.caller_from_token(signed_token(signing_key, id_claims()))
    started = clock.now
    # WHEN valid tokens keep arriving for just under an hour  THEN the cached JWKS verifies them
    clock.now = started + 3600 - 1
    verifier.caller_from_token(signed_token(signing_key, id_claims()))
    assert jwks_fetches() == 1
    # AND the first one after the hour fetches it again, so a key Cognito withdrew stops verifying
    clock.now = started + 3600 + 1
    verifier.caller_from_token(signed_token(signing_key, id_claims()))
    assert jwks_fetches() == 2
