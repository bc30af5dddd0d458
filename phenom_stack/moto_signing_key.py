"""moto's Cognito signing key, imported once per moto process, when the first token is signed.

moto 5.2.5 gives every user pool the same key (its resource cognitoidp/resources/jwks-private.json) and imports it
afresh in each pool's constructor (moto/cognitoidp/models.py): some 80 ms of RSA arithmetic per pool, as the file
holds no prime factors and they are recovered from the private exponent, on the critical path of every stack start
and of every test that makes a pool. While `shared_signing_key()` is active (phenom_stack.moto_process enters it
before it serves), a pool's `json_web_key` is that one key, imported when a token is first signed: tokens are signed
with the same key as before, and a stack start, which signs none, never imports it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from unittest import mock

from joserfc import jwk
from moto.cognitoidp import models
from moto.utilities.utils import load_resource

KEY_RESOURCE = "cognitoidp/resources/jwks-private.json"


@functools.cache
def signing_key() -> jwk.RSAKey:
    """The key moto signs every pool's tokens with, imported on first use."""
    return jwk.RSAKey.import_key(load_resource(KEY_RESOURCE))


class _SharedKey:
    """CognitoIdpUserPool.json_web_key: the process's one signing key; the constructor's assignment is dropped."""

    def __get__(self, pool: models.CognitoIdpUserPool | None, owner: type | None = None) -> jwk.RSAKey:
        return signing_key()

    def __set__(self, pool: models.CognitoIdpUserPool, value: object) -> None:
        pass


class _KeyLeftUnimported:
    """Stands for joserfc's jwk module in moto's Cognito models, whose one use of it is the constructor's import of
    the signing key: that import is skipped, and _SharedKey serves the key instead."""

    class RSAKey:
        @staticmethod
        def import_key(value: object) -> None:
            return None


@contextmanager
def shared_signing_key() -> Iterator[None]:
    """While active, every user pool signs with the one key, imported once (see the module's docstring)."""
    with ExitStack() as patches:
        patches.enter_context(mock.patch.object(models, "jwk", _KeyLeftUnimported))
        patches.enter_context(mock.patch.object(models.CognitoIdpUserPool, "json_web_key", _SharedKey(), create=True))
        yield
