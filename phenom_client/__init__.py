"""The Phenom API client shared by the smoke suite, the canary, the Locust load test and the benchmarks (no pytest).

The names below are imported on first use: the pytest plugins and the bench scripts import light submodules
(environments, credentials, timeouts, documents) on every run, and must not pay for boto3 and gql with them."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from phenom_client.client import PhenomClient
    from phenom_client.credentials import (
        PASSWORD_VARIABLE,
        SmokeCredentials,
        resolve_smoke_credentials,
        secretsmanager_reader,
    )
    from phenom_client.environments import EnvConfig, load_environment
    from phenom_client.errors import (
        ConfigurationError,
        CredentialsUnavailable,
        GraphQLRequestFailed,
        PhenomClientError,
        SignInFailed,
        TransferFailed,
    )
    from phenom_client.retry import Attempt, RetryPolicy
    from phenom_client.timeouts import Timeouts

_SUBMODULE_OF = {
    "PhenomClient": "client",
    "PASSWORD_VARIABLE": "credentials",
    "SmokeCredentials": "credentials",
    "resolve_smoke_credentials": "credentials",
    "secretsmanager_reader": "credentials",
    "EnvConfig": "environments",
    "load_environment": "environments",
    "ConfigurationError": "errors",
    "CredentialsUnavailable": "errors",
    "GraphQLRequestFailed": "errors",
    "PhenomClientError": "errors",
    "SignInFailed": "errors",
    "TransferFailed": "errors",
    "Attempt": "retry",
    "RetryPolicy": "retry",
    "Timeouts": "timeouts",
}

__all__ = sorted(_SUBMODULE_OF)


def __getattr__(name: str) -> Any:
    if name not in _SUBMODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_SUBMODULE_OF[name]}"), name)
