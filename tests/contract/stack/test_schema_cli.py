"""`phenom-schema snapshot` and `phenom-schema check` as a developer runs them, against the running local stack."""

from __future__ import annotations

import subprocess
import sys

import pytest
from graphql import build_schema

from phenom_client.api_schema import ROLES, compare, snapshot_path

pytestmark = pytest.mark.contract

CLI_TIMEOUT_SECONDS = 120


@pytest.fixture
def stack_file(local_stack, tmp_path):
    """The running stack's `phenom-stack up --json` line in a file, for --stack-file."""
    path = tmp_path / "stack.json"
    path.write_text(local_stack.to_json() + "\n", encoding="utf-8")
    return path


def _phenom_schema(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "phenom_stack.schema_snapshot", *args],
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_SECONDS,
        check=False,
    )


def test_snapshot_regenerates_the_committed_files(local_stack, stack_file, tmp_path):
    run = _phenom_schema("snapshot", f"--stack-file={stack_file}", f"--dir={tmp_path / 'schema'}")
    assert run.returncode == 0, run.stderr
    assert "new snapshot" in run.stdout
    for role in ROLES:
        regenerated = snapshot_path(role, tmp_path / "schema").read_text(encoding="utf-8")
        assert not compare(build_schema(snapshot_path(role).read_text(encoding="utf-8")), build_schema(regenerated))
        # The committed files come from the double; real Hasura words some descriptions differently.
        if local_stack.stack == "hermetic":
            assert regenerated == snapshot_path(role).read_text(encoding="utf-8"), f"{role}.graphql differs"


def test_check_passes_on_the_committed_snapshots_and_fails_naming_a_difference(stack_file, tmp_path):
    passed = _phenom_schema("check", f"--stack-file={stack_file}")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    # GIVEN a snapshot directory whose user schema lacks a field the engine serves
    changed = tmp_path / "schema"
    changed.mkdir()
    for role in ROLES:
        text = snapshot_path(role).read_text(encoding="utf-8")
        (changed / f"{role}.graphql").write_text(text.replace("  signed_uri: String\n", "", 1), encoding="utf-8")
    failed = _phenom_schema("check", f"--stack-file={stack_file}", f"--dir={changed}")
    assert failed.returncode == 1
    assert "Phenom.signed_uri was added." in failed.stdout
