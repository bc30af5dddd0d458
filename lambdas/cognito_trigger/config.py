"""The trigger's environment: the only place it reads environment variables."""

from __future__ import annotations

from lambdas.shared.config import HASURA_ACCESS_ENV, load_hasura_access_config

REQUIRED_ENV = HASURA_ACCESS_ENV
OPTIONAL_ENV: tuple[str, ...] = ()
load_config = load_hasura_access_config
