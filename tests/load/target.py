"""Where the load goes and as whom: the locustfile's options (or their environment variables) read into a LoadTarget.

No Locust here, so the rules can be read (and reused) without gevent.
- environment: `--phenom-env` / PHENOM_LOAD_ENV, a section of phenom_client/environments.toml (default local);
- for local, the running stack: `--phenom-stack-file` / PHENOM_LOAD_STACK_FILE, a file holding the JSON line of
  `phenom-stack up --json` (its endpoints; its users too, when PHENOM_LOAD_USERS is not set);
- the users: PHENOM_LOAD_USERS, a JSON list of {"username", "password"} handed out round-robin to the simulated
  users. Passwords come only from the environment (or the stack file), never from a command-line option. Without
  it, a cloud environment's load signs in as its smoke user (PHENOM_SMOKE_PASSWORD or the smoke secret).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from phenom_client import (
    ConfigurationError,
    EnvConfig,
    SmokeCredentials,
    load_environment,
    resolve_smoke_credentials,
    secretsmanager_reader,
)
from phenom_client.credentials import secretsmanager_client

ENV_VARIABLE = "PHENOM_LOAD_ENV"
STACK_FILE_VARIABLE = "PHENOM_LOAD_STACK_FILE"
USERS_VARIABLE = "PHENOM_LOAD_USERS"
RESULTS_VARIABLE = "PHENOM_LOAD_RESULTS"
# In a distributed run, worker process i of n numbers its simulated users i, i + n, i + 2n...: distinct Cognito users.
WORKER_INDEX_VARIABLE = "PHENOM_LOAD_WORKER_INDEX"
WORKER_COUNT_VARIABLE = "PHENOM_LOAD_WORKER_COUNT"
# The endpoint fields of `phenom-stack up --json` that the client needs (the rest stays out of the stack file).
STACK_FIELDS = ("stack", "graphql_url", "aws_endpoint_url", "region", "user_pool_id", "client_id")


@dataclass(frozen=True)
class LoadTarget:
    """The environment the simulated users call and the Cognito users they sign in as (reprs hide passwords)."""

    env: EnvConfig
    credentials: tuple[SmokeCredentials, ...]

    def credentials_for(self, user_number: int) -> SmokeCredentials:
        return self.credentials[user_number % len(self.credentials)]


def load_target(env_name: str, stack_file: str | None, environ: Mapping[str, str]) -> LoadTarget:
    """The LoadTarget for these options; ConfigurationError naming what is missing."""
    users = _users_from(environ.get(USERS_VARIABLE, ""), USERS_VARIABLE)
    if env_name != "local":
        env = load_environment(env_name)
        if users:
            return LoadTarget(env, users)
        read_secret = secretsmanager_reader(secretsmanager_client(env))
        return LoadTarget(env, (resolve_smoke_credentials(env, environ=environ, read_secret=read_secret),))
    if not stack_file:
        raise ConfigurationError(
            f"--phenom-env local needs the running stack: start `phenom-stack up --json > stack.json` and pass "
            f"--phenom-stack-file stack.json (or set {STACK_FILE_VARIABLE})"
        )
    stack = _read_stack(Path(stack_file))
    users = users or _users_from(json.dumps(stack.get("users", [])), stack_file)
    if not users:
        raise ConfigurationError(f"no users to sign in as: set {USERS_VARIABLE} or use a stack file that lists users")
    fields = {name: stack[name] for name in STACK_FIELDS}
    local = SimpleNamespace(**fields, users=tuple(SimpleNamespace(username=user.username) for user in users))
    return LoadTarget(load_environment("local", local_stack=local), users)


def _users_from(text: str, source: str) -> tuple[SmokeCredentials, ...]:
    if not text.strip():
        return ()
    try:
        entries = json.loads(text)
        return tuple(SmokeCredentials(entry["username"], entry["password"], source) for entry in entries)
    except (ValueError, TypeError, KeyError):
        raise ConfigurationError(
            f'{source} must be a JSON list of {{"username": ..., "password": ...}} objects'
        ) from None


def _read_stack(path: Path) -> dict:
    try:
        stack = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ConfigurationError(
            f"cannot read the stack file {path} ({type(error).__name__}): it must hold `phenom-stack up --json`'s line"
        ) from None
    missing = [name for name in STACK_FIELDS if name not in stack]
    if missing:
        raise ConfigurationError(
            f"the stack file {path} has no {', '.join(missing)}: write `phenom-stack up --json`'s line to it"
        )
    return stack
