"""Every moto user pool signs with moto's one key, imported once and only when a token is first signed."""

import json
from unittest import mock

import jwt
import pytest
from joserfc import jwk
from moto import mock_aws
from moto.cognitoidp.models import cognitoidp_backends
from moto.utilities.utils import load_resource

from phenom_stack import moto_signing_key
from phenom_stack.moto_signing_key import shared_signing_key

pytestmark = pytest.mark.unit

ACCOUNT, REGION = "123456789012", "us-east-1"


@pytest.fixture
def cognito_backend():
    """moto's Cognito backend in this process, with the shared key active and not imported yet."""
    moto_signing_key.signing_key.cache_clear()
    with mock_aws(), shared_signing_key():
        yield cognitoidp_backends[ACCOUNT][REGION]


def test_pools_are_made_without_importing_the_key(cognito_backend):
    with mock.patch.object(jwk.RSAKey, "import_key", wraps=jwk.RSAKey.import_key) as import_key:
        cognito_backend.create_user_pool("first", {})
        cognito_backend.create_user_pool("second", {})
    assert import_key.call_count == 0


def test_every_pool_signs_with_the_one_key_moto_publishes(cognito_backend):
    # GIVEN two pools
    first, second = (cognito_backend.create_user_pool(name, {}) for name in ("first", "second"))
    # THEN they hold one key
    assert first.json_web_key is second.json_web_key
    # AND a token either signs verifies against the public key moto serves at every pool's JWKS URL
    public = json.dumps(load_resource("cognitoidp/resources/jwks-public.json")["keys"][0])
    for pool in (first, second):
        cognito_backend.admin_create_user(pool.id, "user", "SUPPRESS", "Temporary-password-1", [])
        token, _ = pool.create_jwt("client", "user", "id")
        claims = jwt.decode(token, jwt.PyJWK.from_json(public).key, algorithms=["RS256"], audience="client")
        assert claims["iss"].endswith(pool.id)
