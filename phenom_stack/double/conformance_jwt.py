"""The JWT checks of Hasura's test suite (`test_jwt.py`), restated as cases for the conformance runner.

Upstream codes them in Python over one permissions query: a token is minted per check and the answer compared
with the query's recorded response or with the error Hasura gives. The runner replays them when its case
directory holds that query (`graphql_query/permissions/user_select_query_article_author.yaml`), on the
directory's setup, for each JWT configuration upstream tests (token in the Authorization header or a cookie,
claims as JSON or stringified JSON, the claims namespace path forms, audience and issuer). Upstream repeats
every check for RSA, Ed25519 and ES keys; the runner signs with RSA only. Where upstream makes a bad signature
with an HS256 key (its engine is configured with a fixed key), the runner signs with an RSA key the JWKS does not
publish, which is the same check against a JWKS.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

BASE_CASE = "graphql_query/permissions/user_select_query_article_author.yaml"
ENDPOINTS = ("/v1/graphql", "/v1alpha1/graphql")
COOKIE_NAME = "hasura_user"
CONFIGURATIONS = {
    "authorization-header": {},
    "cookie": {"header": {"type": "Cookie", "name": COOKIE_NAME}},
    "stringified-json-claims": {"claims_format": "stringified_json"},
    "namespace-path-root": {"claims_namespace_path": "$"},
    "namespace-path-one-level": {"claims_namespace_path": "$.hasura_claims"},
    "namespace-path-two-levels": {"claims_namespace_path": "$.hasura.claims"},
    "namespace-path-special-characters": {"claims_namespace_path": "$.hasura['claims%']"},
}
AUDIENCE_CONFIGURATIONS = {
    "single-audience": {"audience": "myapp-1234"},
    "list-of-audiences": {"audience": ["myapp-1234", "myapp-9876"]},
}
ISSUER_CONFIGURATION = {"issuer": "https://hasura.com"}
USER_CLAIMS = {"x-hasura-user-id": "1", "x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user"]}


@dataclass(frozen=True)
class JwtCase:
    """One check: its name and how to make the request and expectation from the signer."""

    name: str
    build: Callable[[Signer], dict]


class Signer:
    """Mints tokens for one JWT configuration with the JWKS's key (or a stranger's)."""

    def __init__(self, private_key, key_id: str, configuration: dict) -> None:
        self.private_key = private_key
        self.key_id = key_id
        self.configuration = configuration

    def claims(self, hasura_claims: dict, **overrides) -> dict:
        now = time.time()
        payload = {"sub": "1234567890", "name": "John Doe", "iat": math.floor(now), "exp": math.floor(now + 36000)}
        if self.configuration.get("claims_format") == "stringified_json":
            hasura_claims = json.dumps(hasura_claims)
        path = self.configuration.get("claims_namespace_path")
        if path is None:
            payload["https://hasura.io/jwt/claims"] = hasura_claims
        elif path == "$":
            payload.update(hasura_claims)
        elif path == "$.hasura_claims":
            payload["hasura_claims"] = hasura_claims
        elif path == "$.hasura.claims":
            payload["hasura"] = {"claims": hasura_claims}
        else:
            payload["hasura"] = {"claims%": hasura_claims}
        payload.update(overrides)
        return payload

    def headers(self, payload: dict, private_key=None) -> dict:
        token = jwt.encode(payload, private_key or self.private_key, algorithm="RS256", headers={"kid": self.key_id})
        if (self.configuration.get("header") or {}).get("type") == "Cookie":
            return {"Cookie": f"{COOKIE_NAME}={token}"}
        return {"Authorization": f"Bearer {token}"}


def _error(code: str, message: str) -> dict:
    return {"errors": [{"extensions": {"code": code, "path": "$"}, "message": message}]}


def _case(base: dict, endpoint: str, headers: dict, response: dict | None = None, refused: bool = False) -> dict:
    """The base case sent to `endpoint` with the token; a refusal answers 400 on /v1alpha1/graphql."""
    return {
        "url": endpoint,
        "headers": {**base.get("headers", {}), **headers},
        "query": base["query"],
        "status": 400 if refused and endpoint != "/v1/graphql" else 200,
        "response": response if response is not None else base["response"],
    }


def _basic_checks(base: dict, endpoint: str) -> list[JwtCase]:
    """AbstractTestJwtBasic's checks on one endpoint."""

    def valid(signer: Signer) -> dict:
        claims = {**USER_CLAIMS, "x-hasura-allowed-roles": ["user", "editor"]}
        return _case(base, endpoint, signer.headers(signer.claims(claims)))

    def refused(hasura_claims: dict, code: str, message: str, **overrides):
        def build(signer: Signer) -> dict:
            headers = signer.headers(signer.claims(hasura_claims, **overrides))
            return _case(base, endpoint, headers, _error(code, message), refused=True)

        return build

    def bad_signature(signer: Signer) -> dict:
        stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        headers = signer.headers(signer.claims(USER_CLAIMS), private_key=stranger)
        return _case(
            base, endpoint, headers, _error("invalid-jwt", "Could not verify JWT: JWSError JWSInvalidSignature"), True
        )

    def accepted(**overrides):
        return lambda signer: _case(base, endpoint, signer.headers(signer.claims(USER_CLAIMS, **overrides)))

    no_roles = {key: value for key, value in USER_CLAIMS.items() if key != "x-hasura-allowed-roles"}
    no_default = {key: value for key, value in USER_CLAIMS.items() if key != "x-hasura-default-role"}
    return [
        JwtCase("valid claims", valid),
        JwtCase(
            "invalid role in request header",
            refused(
                {
                    **USER_CLAIMS,
                    "x-hasura-allowed-roles": ["contractor", "editor"],
                    "x-hasura-default-role": "contractor",
                },
                "access-denied",
                "Your requested role is not in allowed roles",
            ),
        ),
        JwtCase(
            "no allowed roles in claim",
            refused(no_roles, "jwt-missing-role-claims", "JWT claim does not contain x-hasura-allowed-roles"),
        ),
        JwtCase(
            "invalid allowed roles in claim",
            refused(
                {**USER_CLAIMS, "x-hasura-allowed-roles": "user"},
                "jwt-invalid-claims",
                "invalid x-hasura-allowed-roles; should be a list of roles: parsing [] failed, expected Array, "
                "but encountered String",
            ),
        ),
        JwtCase(
            "no default role",
            refused(no_default, "jwt-missing-role-claims", "JWT claim does not contain x-hasura-default-role"),
        ),
        JwtCase(
            "expired",
            refused(USER_CLAIMS, "invalid-jwt", "Could not verify JWT: JWTExpired", exp=round(time.time() - 60)),
        ),
        JwtCase("invalid signature", bad_signature),
        JwtCase("no audience in configuration", accepted(aud="hasura-test-suite")),
        JwtCase("no issuer in configuration", accepted(iss="rubbish-issuer")),
    ]


def _claim_checks(base: dict, endpoint: str, claim: str, valid_value: str, code_message: str) -> list[JwtCase]:
    """AbstractTestJwtAudienceCheck / IssuerCheck: the configured value passes, another is refused."""

    def build(value: str, refused: bool):
        def make(signer: Signer) -> dict:
            headers = signer.headers(signer.claims(USER_CLAIMS, **{claim: value}))
            response = _error("invalid-jwt", code_message) if refused else None
            return _case(base, endpoint, headers, response, refused)

        return make

    return [
        JwtCase(f"valid {claim}", build(valid_value, False)),
        JwtCase(f"invalid {claim}", build(f"rubbish_{claim}", True)),
    ]


def jwt_suites(base: dict) -> list[tuple[str, dict, list[JwtCase]]]:
    """(configuration name, JWT configuration additions, its checks) for every configuration upstream tests."""
    suites = []
    for name, configuration in CONFIGURATIONS.items():
        checks = []
        for endpoint in ENDPOINTS:
            checks += [JwtCase(f"{endpoint} {case.name}", case.build) for case in _basic_checks(base, endpoint)]
        suites.append((name, configuration, checks))
    for name, configuration in AUDIENCE_CONFIGURATIONS.items():
        audience = configuration["audience"]
        valid = audience if isinstance(audience, str) else audience[0]
        checks = []
        for endpoint in ENDPOINTS:
            checks += [
                JwtCase(f"{endpoint} {case.name}", case.build)
                for case in _claim_checks(base, endpoint, "aud", valid, "Could not verify JWT: JWTNotInAudience")
            ]
        suites.append((name, configuration, checks))
    checks = []
    for endpoint in ENDPOINTS:
        checks += [
            JwtCase(f"{endpoint} {case.name}", case.build)
            for case in _claim_checks(
                base, endpoint, "iss", ISSUER_CONFIGURATION["issuer"], "Could not verify JWT: JWTNotInIssuer"
            )
        ]
    suites.append(("issuer", ISSUER_CONFIGURATION, checks))
    return suites
