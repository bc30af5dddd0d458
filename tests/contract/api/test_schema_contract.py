"""The API contract: the engine serves each role exactly its snapshot in hasura/schema/, and role `user` has
no breaking change since main that hasura/schema/approved-changes.yaml does not approve."""

from __future__ import annotations

import warnings

import pytest

from phenom_client.api_schema import (
    APP_ROLE,
    APPROVALS_FILE_NAME,
    ROLES,
    SCHEMA_DIR,
    compare,
    read_approvals,
    read_snapshot,
    snapshot_path,
    unapproved,
)
from phenom_stack.schema_snapshot import base_revision, served_schemas, snapshots_at

pytestmark = pytest.mark.contract


class SchemaChangeWarning(UserWarning):
    """A dangerous (not breaking) change to a role's schema: apps keep working, but may behave differently."""


@pytest.fixture(scope="module")
def engine_schemas(local_stack):
    """Every role's schema as the local stack's engine serves it: user through a Cognito ID token, admin by secret."""
    return served_schemas(local_stack)


@pytest.mark.parametrize("role", ROLES)
def test_the_engine_serves_each_role_its_committed_snapshot(role, engine_schemas):
    snapshot = read_snapshot(role)
    assert snapshot is not None, (
        f"no {snapshot_path(role).relative_to(SCHEMA_DIR.parents[1])}: run phenom-schema snapshot"
    )
    differences = compare(snapshot, engine_schemas[role]).lines()
    assert not differences, (
        f"role {role}: the engine's schema is not {snapshot_path(role).name}; if the change is meant, run "
        "`.venv/bin/phenom-schema snapshot` and commit hasura/schema/:\n" + "\n".join(differences)
    )


def test_role_user_has_no_unapproved_breaking_change_since_main(engine_schemas):
    revision = base_revision()
    if revision is None:
        pytest.skip("no main branch in this checkout to compare with: fetch it (git fetch origin main) to run this")
    released = snapshots_at(revision)[APP_ROLE]
    if released is None:
        pytest.skip(f"main ({revision[:12]}) has no {snapshot_path(APP_ROLE).name} yet: nothing released to break")
    changes = compare(released, engine_schemas[APP_ROLE])
    for change in changes.dangerous:
        warnings.warn(SchemaChangeWarning(f"role {APP_ROLE}: {change}"), stacklevel=1)
    missing = unapproved(APP_ROLE, changes, read_approvals())
    assert not missing, (
        f"breaking changes to role {APP_ROLE} since main ({revision[:12]}) that app versions in use may depend on; "
        "make the change additive, or name each in hasura/schema/approved-changes.yaml with why:\n" + "\n".join(missing)
    )


def test_the_approvals_file_is_committed_and_every_approval_names_a_role_a_change_and_why():
    assert (SCHEMA_DIR / APPROVALS_FILE_NAME).is_file(), f"hasura/schema/{APPROVALS_FILE_NAME} is missing"
    for approval in read_approvals():
        assert approval.role in ROLES, f"approved-changes.yaml: {approval.change!r} names unknown role {approval.role}"
