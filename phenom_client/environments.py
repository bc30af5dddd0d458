"""phenom_client/environments.toml: one section per environment, read into one frozen EnvConfig, and the time limits
of each round-trip step in that environment (its `thresholds` table)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from phenom_client.errors import ConfigurationError

ENVIRONMENTS_FILE = Path(__file__).resolve().parent / "environments.toml"
LOCAL = "local"
KEYS = ("region", "graphql_url", "user_pool_id", "client_id", "smoke_username", "smoke_secret_id")
# The rest of the local environment changes with every start of the stack, so it comes from the stack itself.
LOCAL_STATIC_KEYS = ("region", "smoke_secret_id")
# Each environment's `[<env>.thresholds]` table: one inline table per step, read by step_thresholds().
THRESHOLDS_KEY = "thresholds"
THRESHOLD_KEYS = ("degraded_ms", "failed_ms")


@dataclass(frozen=True)
class StepThreshold:
    """A step slower than `degraded_ms` degrades the run; slower than `failed_ms` it fails it."""

    degraded_ms: int
    failed_ms: int


@dataclass(frozen=True)
class EnvConfig:
    """Where one environment's API and Cognito live and which user and secret the smoke suite uses; no secrets."""

    name: str
    region: str
    graphql_url: str
    user_pool_id: str
    client_id: str
    smoke_username: str
    smoke_secret_id: str
    aws_endpoint_url: str | None = None
    stack: str | None = None

    @property
    def is_local(self) -> bool:
        return self.name == LOCAL


class StackUserLike(Protocol):
    username: str


class LocalStackLike(Protocol):
    """The parts of phenom_stack's LocalStack the environment needs (structural: the client never imports the stack)."""

    stack: str
    graphql_url: str
    user_pool_id: str
    client_id: str
    aws_endpoint_url: str
    users: tuple[StackUserLike, ...]


def environment_section(name: str, path: Path = ENVIRONMENTS_FILE) -> dict[str, str]:
    """The validated `[name]` section of the environments file: every key present (for local, the static ones)."""
    sections = _read(path)
    if name not in sections:
        raise ConfigurationError(f"--env {name} is not in {_shown(path)}: pick one of {', '.join(sorted(sections))}")
    section = sections[name]
    if not isinstance(section, dict):
        raise ConfigurationError(f"{_shown(path)} [{name}] must be a table of keys, not a single value")
    section = {key: value for key, value in section.items() if key != THRESHOLDS_KEY}
    allowed = LOCAL_STATIC_KEYS if name == LOCAL else KEYS
    unknown = sorted(set(section) - set(allowed))
    if unknown:
        why = ": the rest comes from the running local stack" if name == LOCAL else ""
        raise ConfigurationError(
            f"{_shown(path)} [{name}] has unexpected keys {', '.join(unknown)}; "
            f"it may hold only {', '.join(allowed)}{why}"
        )
    missing = [key for key in allowed if key not in section]
    if missing:
        raise ConfigurationError(
            f"{_shown(path)} [{name}] has no {', '.join(missing)}: add "
            f"{'it' if len(missing) == 1 else 'them'} (the environment's Terraform outputs) or pick another --env"
        )
    for key in allowed:
        value = section[key]
        if not isinstance(value, str) or not value.strip():
            raise ConfigurationError(f"{_shown(path)} [{name}] {key} must be a non-empty string")
    if name != LOCAL and not section["graphql_url"].startswith("https://"):
        raise ConfigurationError(f"{_shown(path)} [{name}] graphql_url must be an https:// URL")
    return dict(section)


def step_thresholds(name: str, path: Path = ENVIRONMENTS_FILE) -> dict[str, StepThreshold]:
    """The `[name.thresholds]` table as StepThresholds by step name; empty when the environment sets none."""
    section = _read(path).get(name)
    table = section.get(THRESHOLDS_KEY, {}) if isinstance(section, dict) else {}
    where = f"{_shown(path)} [{name}.{THRESHOLDS_KEY}]"
    if not isinstance(table, dict):
        raise ConfigurationError(f"{where} must be a table of steps")
    thresholds = {}
    for step, limits in table.items():
        if not isinstance(limits, dict) or sorted(limits) != sorted(THRESHOLD_KEYS):
            raise ConfigurationError(f'{where} "{step}" must be {{ degraded_ms = N, failed_ms = M }}')
        values = [limits[key] for key in THRESHOLD_KEYS]
        if not all(isinstance(value, int) and not isinstance(value, bool) and value > 0 for value in values):
            raise ConfigurationError(f'{where} "{step}": degraded_ms and failed_ms must be positive whole milliseconds')
        if values[0] >= values[1]:
            raise ConfigurationError(f'{where} "{step}": degraded_ms must be below failed_ms')
        thresholds[step] = StepThreshold(*values)
    return thresholds


def load_environment(
    name: str, path: Path = ENVIRONMENTS_FILE, *, local_stack: LocalStackLike | None = None
) -> EnvConfig:
    """The EnvConfig for `--env name`; the local one needs the running `local_stack` for its endpoints and user."""
    section = environment_section(name, path)
    if name != LOCAL:
        return EnvConfig(name=name, **section)
    if local_stack is None:
        raise ConfigurationError(
            "--env local takes its endpoints from the local stack: start it (the local_stack fixture) first"
        )
    if not local_stack.users:
        raise ConfigurationError("the local stack has no users: it must create the smoke user before the round-trip")
    return EnvConfig(
        name=name,
        region=section["region"],
        smoke_secret_id=section["smoke_secret_id"],
        graphql_url=local_stack.graphql_url,
        user_pool_id=local_stack.user_pool_id,
        client_id=local_stack.client_id,
        smoke_username=local_stack.users[0].username,
        aws_endpoint_url=local_stack.aws_endpoint_url,
        stack=local_stack.stack,
    )


def _read(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigurationError(f"{path} is missing: it lists the environments --env can pick") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"{_shown(path)} is not valid TOML: {error}") from None


def _shown(path: Path) -> str:
    return "phenom_client/environments.toml" if path == ENVIRONMENTS_FILE else str(path)
