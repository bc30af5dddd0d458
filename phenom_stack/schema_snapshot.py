"""`phenom-schema snapshot|check`: each role's GraphQL schema, as a running engine shows it, against hasura/schema/.

`snapshot` writes hasura/schema/<role>.graphql from the engine's introspection: role `user` through the ID token
of a stack user signed in to Cognito (the way the app asks), admin with the admin secret (the way the Lambdas
ask). `check` compares instead of writing, and also checks role `user` against the snapshots of the base
revision (`git merge-base HEAD main`, or --base): a breaking change there needs an entry in
hasura/schema/approved-changes.yaml. Both start a local stack (--stack, as `phenom-stack up`) unless
--stack-file names one that is already running.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from graphql import GraphQLSchema, build_schema

from phenom_client.api_schema import (
    INTROSPECTION_QUERY,
    ROLES,
    SCHEMA_DIR,
    check_contract,
    compare,
    read_snapshot,
    schema_from_introspection,
    snapshot_path,
    write_snapshot,
)
from phenom_client.client import PhenomClient
from phenom_client.credentials import SmokeCredentials
from phenom_client.environments import LOCAL, load_environment
from phenom_client.errors import PhenomClientError
from phenom_stack.docker_engine import STACK_KINDS
from phenom_stack.errors import StackError
from phenom_stack.local_stack import LocalStack

HTTP_TIMEOUT_SECONDS = 30
REPOSITORY = SCHEMA_DIR.parents[1]
BASE_BRANCHES = ("origin/main", "main")


class IntrospectionRefused(StackError):
    """The engine did not answer the introspection query with a schema."""


def admin_schema(graphql_url: str, admin_secret: str) -> GraphQLSchema:
    """The schema the admin role (the Lambdas' role) sees."""
    reply = requests.post(
        graphql_url,
        json={"query": INTROSPECTION_QUERY},
        headers={"x-hasura-admin-secret": admin_secret},
        timeout=HTTP_TIMEOUT_SECONDS,
    )
    body = reply.json() if reply.headers.get("content-type", "").startswith("application/json") else {}
    if reply.status_code != 200 or "data" not in body or body.get("errors"):
        raise IntrospectionRefused(f"admin introspection of {graphql_url} answered HTTP {reply.status_code}")
    return schema_from_introspection(body["data"])


def user_schema(stack: LocalStack) -> GraphQLSchema:
    """The schema role `user` sees: introspection with the ID token of the stack's first user."""
    user = stack.users[0]
    credentials = SmokeCredentials(user.username, user.password, "the local stack's first user")
    with PhenomClient(load_environment(LOCAL, local_stack=stack), credentials) as client:
        client.sign_in()
        return client.api_schema()


def served_schemas(stack: LocalStack) -> dict[str, GraphQLSchema]:
    """The schema of every role in ROLES, as the stack's engine serves it now."""
    return {"user": user_schema(stack), "admin": admin_schema(stack.graphql_url, stack.admin_secret)}


def base_revision(repository: Path = REPOSITORY) -> str | None:
    """Where the branch left main (`git merge-base HEAD origin/main`, else `... main`); None without either."""
    for branch in BASE_BRANCHES:
        answer = _git(repository, "merge-base", "HEAD", branch)
        if answer is not None:
            return answer.strip()
    return None


def snapshots_at(revision: str, repository: Path = REPOSITORY) -> dict[str, GraphQLSchema | None]:
    """Each role's snapshot as committed at `revision` (None where it had none)."""
    found: dict[str, GraphQLSchema | None] = {}
    for role in ROLES:
        relative = snapshot_path(role).relative_to(REPOSITORY).as_posix()
        text = _git(repository, "show", f"{revision}:{relative}")
        found[role] = build_schema(text) if text is not None else None
    return found


def _git(repository: Path, *args: str) -> str | None:
    try:
        answer = subprocess.run(["git", *args], cwd=repository, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return answer.stdout if answer.returncode == 0 else None


@contextmanager
def _stack(kind: str, stack_file: str | None) -> Iterator[LocalStack]:
    if stack_file:
        yield LocalStack.from_json(Path(stack_file).read_text(encoding="utf-8").strip())
        return
    from phenom_stack.stack import run_local_stack

    with run_local_stack(kind) as stack:
        yield stack


def snapshot(stack: LocalStack, schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """Write every role's snapshot from the stack's engine; a line per role saying what changed."""
    lines = []
    for role, schema in served_schemas(stack).items():
        previous = read_snapshot(role, schema_dir)
        path = write_snapshot(role, schema, schema_dir)
        changes = compare(previous, schema).lines() if previous is not None else ["new snapshot"]
        shown = path.relative_to(REPOSITORY) if path.is_relative_to(REPOSITORY) else path
        lines.append(f"{shown}: " + ("unchanged" if not changes else f"{len(changes)} change(s)"))
        lines += [f"  {change}" for change in changes]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="phenom-schema", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("snapshot", "write hasura/schema/<role>.graphql"), ("check", "compare, write nothing")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--stack", choices=STACK_KINDS, default="auto", help="the local stack to start")
        command.add_argument("--stack-file", help="a running stack's `phenom-stack up --json` line, started elsewhere")
        command.add_argument("--dir", type=Path, default=SCHEMA_DIR, help="the snapshots' directory (hasura/schema)")
        if name == "check":
            command.add_argument("--base", help="the revision apps were built from (default: merge-base with main)")
    args = parser.parse_args(argv)
    try:
        with _stack(args.stack, args.stack_file) as stack:
            if args.command == "snapshot":
                print("\n".join(snapshot(stack, args.dir)))
                return 0
            revision = args.base or base_revision()
            released = snapshots_at(revision) if revision else None
            report = check_contract(served_schemas(stack), args.dir, released)
    except (StackError, PhenomClientError, OSError, ValueError) as error:
        print(f"phenom-schema: {error}", file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(f"warning: {warning}")
    for failure in report.failures:
        print(f"FAIL {failure}")
    if not report.failures:
        print(
            f"every role's schema is its snapshot{f' and no unapproved break since {revision[:12]}' if revision else ''}"
        )
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
