"""Newman running hasura/postman's collection against a running local stack, with the password kept off the command
line: the run's environment (the local template plus the stack's values) goes into a 0600 file instead."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from timing import REPO_ROOT

POSTMAN_DIR = REPO_ROOT / "hasura" / "postman"
COLLECTION = POSTMAN_DIR / "phenom.postman_collection.json"
LOCAL_TEMPLATE = POSTMAN_DIR / "phenom-local.postman_environment.json"
NEWMAN = REPO_ROOT / "node_modules" / ".bin" / "newman"
NEWMAN_MISSING = "Newman is not installed (node_modules/.bin/newman): run `make setup` on a machine with npm"
REQUEST_TIMEOUT_MS = 30_000


def newman_available() -> bool:
    return NEWMAN.exists() and shutil.which("node") is not None


def write_environment(stack: dict, directory: Path) -> Path:
    """The local environment template with the stack's endpoints and first user filled in, in a private file."""
    user = stack["users"][0]
    values = {
        "graphql_url": stack["graphql_url"],
        "cognito_endpoint": f"{stack['aws_endpoint_url']}/",
        "client_id": stack["client_id"],
        "username": user["username"],
        "password": user["password"],
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


def newman_command(environment: Path) -> list[str]:
    return [
        str(NEWMAN), "run", str(COLLECTION), "--environment", str(environment),
        "--timeout-request", str(REQUEST_TIMEOUT_MS), "--disable-unicode", "--color", "off",
    ]
