"""The JWKS behind `jwk_url`: fetched on first use, refreshed only as its cache headers say (like Hasura)."""

from __future__ import annotations

import re
import threading
import time
from email.utils import parsedate_to_datetime
from typing import NamedTuple

import jwt
import requests

FETCH_TIMEOUT_SECONDS = 10
RETRY_AFTER_FAILURE_SECONDS = 60
MIN_REFRESH_SECONDS = 1


class PublishedKey(NamedTuple):
    """A public key the JWKS publishes and the `alg` its JWK declares (None when it declares none)."""

    declared_algorithm: str | None
    jwk: jwt.PyJWK


class JwksUnavailable(Exception):
    """The JWKS could not be fetched or parsed; check that the JWKS server started before the engine."""


def refresh_interval(headers) -> float:
    """Seconds until the JWKS should be fetched again, from Cache-Control or Expires.

    Without either header Hasura refetches on its one-second floor, so a rotated key is seen within a second.
    """
    cache_control = (headers.get("Cache-Control") or "").lower()
    match = re.search(r"(?:s-maxage|max-age)\s*=\s*(\d+)", cache_control)
    if match:
        return max(MIN_REFRESH_SECONDS, int(match.group(1)))
    if any(directive in cache_control for directive in ("no-cache", "no-store", "must-revalidate")):
        return MIN_REFRESH_SECONDS
    expires = headers.get("Expires")
    if expires:
        try:
            return max(MIN_REFRESH_SECONDS, parsedate_to_datetime(expires).timestamp() - time.time())
        except (TypeError, ValueError):
            return MIN_REFRESH_SECONDS
    return MIN_REFRESH_SECONDS


class JwksCache:
    """Thread-safe cache of the key set at `url`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._keys: list[PublishedKey] | None = None
        self._refresh_at: float | None = None
        self._lock = threading.Lock()

    def keys(self) -> list[PublishedKey]:
        """The current keys; raises JwksUnavailable when none were ever fetched."""
        if self._fresh():
            return self._keys
        with self._lock:
            # Another thread may have fetched while this one waited for the lock.
            if not self._fresh():
                self._fetch()
            return self._keys

    def _fresh(self) -> bool:
        return self._keys is not None and time.monotonic() < self._refresh_at

    def _fetch(self) -> None:
        try:
            response = requests.get(self.url, timeout=FETCH_TIMEOUT_SECONDS)
            response.raise_for_status()
            keys = [PublishedKey(key.get("alg"), jwt.PyJWK(key)) for key in response.json()["keys"] if _supported(key)]
        except (requests.RequestException, ValueError, KeyError, jwt.PyJWKError) as error:
            self._refresh_at = time.monotonic() + RETRY_AFTER_FAILURE_SECONDS
            if self._keys is None:
                raise JwksUnavailable(f"fetching the JWKS from {self.url} failed: {error}") from error
            return
        self._keys = keys
        self._refresh_at = time.monotonic() + refresh_interval(response.headers)


def _supported(key: dict) -> bool:
    return key.get("kty") in ("RSA", "EC", "OKP")
