"""The Phenom API client shared by the smoke suite, the canary, the Locust load test and the benchmarks (no pytest)."""

from tests.client.client import PhenomClient
from tests.client.credentials import (
    PASSWORD_VARIABLE,
    SmokeCredentials,
    resolve_smoke_credentials,
    secretsmanager_reader,
)
from tests.client.environments import EnvConfig, load_environment
from tests.client.errors import (
    ConfigurationError,
    CredentialsUnavailable,
    GraphQLRequestFailed,
    PhenomClientError,
    SignInFailed,
    TransferFailed,
)
from tests.client.retry import Attempt, RetryPolicy
from tests.client.timeouts import Timeouts

__all__ = [
    "PASSWORD_VARIABLE",
    "Attempt",
    "ConfigurationError",
    "CredentialsUnavailable",
    "EnvConfig",
    "GraphQLRequestFailed",
    "PhenomClient",
    "PhenomClientError",
    "RetryPolicy",
    "SignInFailed",
    "SmokeCredentials",
    "Timeouts",
    "TransferFailed",
    "load_environment",
    "resolve_smoke_credentials",
    "secretsmanager_reader",
]
