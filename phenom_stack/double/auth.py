"""Who a request is: the admin secret (optionally impersonating a role) or a JWT, as Hasura's JWT mode decides."""

from __future__ import annotations

import hmac
import json
import re
import time
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie

import jwt

from phenom_stack.double.access import ADMIN_ROLE
from phenom_stack.double.errors import HasuraError
from phenom_stack.double.jwks import JwksCache, JwksUnavailable, PublishedKey

ALLOWED_ROLES = "x-hasura-allowed-roles"
DEFAULT_ROLE = "x-hasura-default-role"
ROLE = "x-hasura-role"
ADMIN_SECRET_HEADERS = ("x-hasura-admin-secret", "x-hasura-access-key")
KEY_TYPES_FOR_ALGORITHM = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}
MISSING_TOKEN_MESSAGE = "Missing 'Authorization' or 'Cookie' header in JWT authentication mode"
_JSON_KINDS = {
    str: "String",
    bool: "Boolean",
    int: "Number",
    float: "Number",
    list: "Array",
    dict: "Object",
    type(None): "Null",
}


@dataclass(frozen=True)
class Session:
    """The resolved role and session variables (lower-case names, `x-hasura-role` included)."""

    role: str
    variables: dict[str, str] = field(repr=False)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN_ROLE


def _invalid_jwt(reason: str) -> HasuraError:
    return HasuraError("invalid-jwt", f"Could not verify JWT: {reason}")


def _claims_error(message: str) -> HasuraError:
    return HasuraError("jwt-invalid-claims", message)


class Authenticator:
    """Authenticates requests with the admin secret or JWTs verified against the configured JWKS."""

    def __init__(self, admin_secret: str, jwt_config: dict) -> None:
        self._admin_secret = admin_secret
        self.config = jwt_config
        self.jwks = JwksCache(jwt_config["jwk_url"])

    def authenticate(self, headers: dict[str, str]) -> Session:
        """The session of a request with these (lower-cased) headers, or the HasuraError Hasura answers."""
        secret = next((headers[name] for name in ADMIN_SECRET_HEADERS if name in headers), None)
        if secret is not None:
            if not hmac.compare_digest(secret.encode(), self._admin_secret.encode()):
                raise HasuraError("access-denied", "invalid x-hasura-admin-secret/x-hasura-access-key", status=401)
            variables = {
                name: value
                for name, value in headers.items()
                if name.startswith("x-hasura-") and name not in ADMIN_SECRET_HEADERS
            }
            variables[ROLE] = headers.get(ROLE, ADMIN_ROLE)
            return Session(variables[ROLE], variables)
        return self._session(self.verify(self._token(headers)), headers.get(ROLE))

    def _token(self, headers: dict[str, str]) -> str:
        """The JWT from where the config's `header` says it travels: Authorization (default), a cookie or a header."""
        source = self.config.get("header") or {}
        kind, name = source.get("type", "Authorization"), (source.get("name") or "").lower()
        if kind == "Cookie":
            try:
                cookies = SimpleCookie(headers.get("cookie", ""))
            except CookieError:
                cookies = {}
            for cookie_name, morsel in cookies.items():
                if cookie_name.lower() == name:
                    return morsel.value
            raise HasuraError("invalid-headers", MISSING_TOKEN_MESSAGE)
        if kind == "CustomHeader":
            if name not in headers:
                raise HasuraError("invalid-headers", MISSING_TOKEN_MESSAGE)
            return headers[name]
        authorization = headers.get("authorization")
        if authorization is None:
            raise HasuraError("invalid-headers", MISSING_TOKEN_MESSAGE)
        parts = authorization.split()
        if len(parts) != 2 or parts[0] != "Bearer":
            raise HasuraError("invalid-headers", "Malformed Authorization header")
        return parts[1]

    def verify(self, token: str) -> dict:
        """The verified payload of `token`; hs-jose's error names in the message otherwise."""
        parts = token.split(".")
        if len(parts) != 3:
            raise _invalid_jwt(
                f"JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got {len(parts)})"
            )
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise _invalid_jwt("JWSError (CompactDecodeError Base64 or JSON decoding failed)") from None
        algorithm, kid = header.get("alg"), header.get("kid")
        try:
            keys = self.jwks.keys()
        except JwksUnavailable:
            raise _invalid_jwt("JWSError NoUsableKeys") from None
        candidates = [key.jwk for key in keys if (kid is None or key.jwk.key_id == kid) and _usable(key, algorithm)]
        if not candidates:
            raise _invalid_jwt("JWSError NoUsableKeys")
        for key in candidates:
            try:
                payload = jwt.decode(
                    token,
                    key.key,
                    algorithms=[algorithm],
                    options={
                        "verify_exp": False,
                        "verify_nbf": False,
                        "verify_iat": False,
                        "verify_aud": False,
                        "verify_iss": False,
                    },
                )
                break
            except jwt.InvalidSignatureError:
                continue
            except jwt.InvalidTokenError:
                raise _invalid_jwt("JWSError (CompactDecodeError Base64 or JSON decoding failed)") from None
        else:
            raise _invalid_jwt("JWSError JWSInvalidSignature")
        self._check_claims(payload)
        return payload

    def _check_claims(self, payload: dict) -> None:
        now, skew = time.time(), self.config.get("allowed_skew") or 0
        if isinstance(payload.get("exp"), (int, float)) and now > payload["exp"] + skew:
            raise _invalid_jwt("JWTExpired")
        if isinstance(payload.get("iat"), (int, float)) and payload["iat"] > now + skew:
            raise _invalid_jwt("JWTIssuedAtFuture")
        if isinstance(payload.get("nbf"), (int, float)) and now < payload["nbf"] - skew:
            raise _invalid_jwt("JWTNotYetValid")
        issuer = self.config.get("issuer")
        if issuer is not None and "iss" in payload and payload["iss"] != issuer:
            raise _invalid_jwt("JWTNotInIssuer")
        audience = self.config.get("audience")
        if audience is not None and "aud" in payload:
            expected = audience if isinstance(audience, list) else [audience]
            received = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
            if not any(value in expected for value in received):
                raise _invalid_jwt("JWTNotInAudience")

    def _hasura_claims(self, payload: dict) -> dict:
        path = self.config.get("claims_namespace_path")
        if path is not None:
            value = payload
            for part in json_path_keys(path):
                value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                raise _claims_error(f"claims not found at claims_namespace_path: '{path}'")
            location = f"claims_namespace_path {path}"
        else:
            namespace = self.config.get("claims_namespace", "https://hasura.io/jwt/claims")
            if namespace not in payload:
                raise _claims_error(f"claims key: '{namespace}' not found")
            value, location = payload[namespace], f"claims_namespace {namespace}"
        if self.config.get("claims_format", "json") == "stringified_json":
            if not isinstance(value, str):
                raise _claims_error("expecting a string when claims_format is stringified_json")
            try:
                value = json.loads(value)
            except ValueError:
                value = None
            if not isinstance(value, dict):
                raise _claims_error(f"expecting stringified json at: '{location}', but found: {value}")
        elif not isinstance(value, dict):
            raise _claims_error("expecting a json object when claims_format is json")
        return {name.lower(): item for name, item in value.items() if name.lower().startswith("x-hasura-")}

    def _session(self, payload: dict, requested_role: str | None) -> Session:
        claims = self._hasura_claims(payload)
        for name in (ALLOWED_ROLES, DEFAULT_ROLE):
            if name not in claims:
                raise HasuraError("jwt-missing-role-claims", f"JWT claim does not contain {name}")
        allowed = claims.pop(ALLOWED_ROLES)
        if not isinstance(allowed, list) or not all(isinstance(role, str) for role in allowed):
            raise _claims_error(
                f"invalid {ALLOWED_ROLES}; should be a list of roles: parsing [] failed, expected "
                f"Array, but encountered {_JSON_KINDS.get(type(allowed), 'Array')}"
            )
        default = claims.pop(DEFAULT_ROLE)
        if not isinstance(default, str):
            raise _claims_error(
                f"invalid {DEFAULT_ROLE}; should be a single role name: parsing Text failed, "
                f"expected String, but encountered {_JSON_KINDS.get(type(default), 'Object')}"
            )
        for value in claims.values():
            if not isinstance(value, str):
                raise _claims_error(
                    "x-hasura-* claims: parsing Text failed, expected String, but encountered "
                    f"{_JSON_KINDS.get(type(value), 'Object')}"
                )
        role = requested_role or default
        if role not in allowed:
            which = "requested" if requested_role else "current"
            raise HasuraError("access-denied", f"Your {which} role is not in allowed roles")
        return Session(role, {**claims, ROLE: role})


# One step of a JSONPath as Hasura's parser reads it: `.key`, `['key']` or `["key"]` (brackets for special keys).
_PATH_STEP = re.compile(r"\.([^.\[\]]+)|\[\s*'([^']*)'\s*\]|\[\s*\"([^\"]*)\"\s*\]")


def json_path_keys(path: str) -> list[str]:
    """The object keys of a JSONPath such as `$.hasura['claims%']`; ValueError when it is not one."""
    rest = path.strip()
    if not rest.startswith("$"):
        raise ValueError(f"not a JSONPath: {path!r}")
    rest, keys = rest[1:], []
    while rest:
        match = _PATH_STEP.match(rest)
        if match is None:
            raise ValueError(f"not a JSONPath: {path!r}")
        keys.append(next(group for group in match.groups() if group is not None))
        rest = rest[match.end() :]
    return keys


def _usable(key: PublishedKey, algorithm) -> bool:
    if not isinstance(algorithm, str) or KEY_TYPES_FOR_ALGORITHM.get(algorithm[:2]) != key.jwk.key_type:
        return False
    return key.declared_algorithm is None or key.declared_algorithm == algorithm
