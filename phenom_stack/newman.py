"""Newman running hasura/postman's collection against a local stack (the Postman parity test and the benchmark).

The run's environment, the local template filled with the stack's endpoints and first user, goes into a file only
this user can read: a password passed with --env-var would be on a command line that `ps` shows to everyone.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from phenom_stack.local_stack import LocalStack

REPO_ROOT = Path(__file__).resolve().parents[1]
POSTMAN_DIR = REPO_ROOT / "hasura" / "postman"
COLLECTION = POSTMAN_DIR / "phenom.postman_collection.json"
LOCAL_TEMPLATE = POSTMAN_DIR / "phenom-local.postman_environment.json"
NEWMAN = REPO_ROOT / "node_modules" / ".bin" / "newman"
NEWMAN_MISSING = "npm/newman not installed: run make setup on a machine with npm"
REQUEST_TIMEOUT_MS = 30_000


def newman_available() -> bool:
    """Whether `make setup` installed Newman and a node runs it."""
    return NEWMAN.exists() and shutil.which("node") is not None


def write_environment(stack: LocalStack, directory: Path) -> Path:
    """The local environment template with the stack's values, in a 0600 file under `directory`."""
    user = stack.users[0]
    values = {
        "graphql_url": stack.graphql_url,
        "cognito_endpoint": f"{stack.aws_endpoint_url}/",
        "client_id": stack.client_id,
        "username": user.username,
        "password": user.password,
    }
    environment = json.loads(LOCAL_TEMPLATE.read_text())
    for entry in environment["values"]:
        if entry["key"] in values:
            entry["value"] = values[entry["key"]]
    path = directory / "newman-environment.json"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(environment, handle)
    return path


def newman_command(environment: Path, json_report: Path | None = None) -> list[str]:
    """`newman run` of the collection with `environment`; with `json_report`, its JSON reporter writes there."""
    reporters = ["--reporters", "json", "--reporter-json-export", str(json_report)] if json_report else []
    return [
        str(NEWMAN),
        "run",
        str(COLLECTION),
        "--environment",
        str(environment),
        *reporters,
        "--timeout-request",
        str(REQUEST_TIMEOUT_MS),
        "--disable-unicode",
        "--color",
        "off",
    ]
