"""Changes made in a temporary copy of hasura/, served by an engine beside the local stack's, against the contract:
a breaking change fails naming the field (even with the snapshot regenerated, until it is approved), an
additive change passes once the snapshot is regenerated, and the drift check names what changed. The engine is the
module's own (phenom_stack.second_engine), so other workers' tests keep the stack's schema while these run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from phenom_client import summary
from phenom_client.api_schema import (
    APPROVALS_FILE_NAME,
    ROLES,
    SCHEMA_DIR,
    check_contract,
    drift,
    read_snapshot,
    write_snapshot,
)
from phenom_stack.hasura_project import apply_metadata, metadata_json
from phenom_stack.local_stack import LocalStack
from phenom_stack.schema_snapshot import served_schemas
from phenom_stack.second_engine import second_engine

pytestmark = pytest.mark.contract

HASURA_DIR = SCHEMA_DIR.parent
SMOKE_TIMEOUT_SECONDS = 120
PHENOM_MEDIA_TYPE = "  media_type: String!\n  created_at: timestamptz!\n  signed_uri: String\n"


@pytest.fixture
def hasura_copy(tmp_path: Path) -> Path:
    """A copy of hasura/ (metadata, migrations, snapshots) to change."""
    return Path(shutil.copytree(HASURA_DIR, tmp_path / "hasura"))


@pytest.fixture(scope="module")
def engine_of_its_own(local_stack: LocalStack, tmp_path_factory) -> Iterator[LocalStack]:
    """The local stack reached through an engine of this module's own, serving hasura/ until a test changes it."""
    with second_engine(local_stack, tmp_path_factory.mktemp("schema-changes-engine")) as stack:
        yield stack


@pytest.fixture
def serve_project(engine_of_its_own: LocalStack) -> Iterator[Callable[[Path], dict]]:
    """A function that makes the module's engine serve a project's metadata and returns each role's schema; the
    engine serves hasura/ again afterwards."""
    stack = engine_of_its_own

    def serve(project: Path) -> dict:
        apply_metadata(stack.metadata_url, stack.admin_secret, metadata_json(project))
        return served_schemas(stack)

    try:
        yield serve
    finally:
        apply_metadata(stack.metadata_url, stack.admin_secret, metadata_json(HASURA_DIR))


def _edit(project: Path, old: str, new: str) -> None:
    path = project / "metadata" / "actions.graphql"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the test's edit no longer applies to {path.name}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _regenerate(project: Path, served: dict) -> None:
    for role in ROLES:
        write_snapshot(role, served[role], project / "schema")


def _released() -> dict:
    """The committed snapshots, playing the schemas the apps in use were built against."""
    return {role: read_snapshot(role) for role in ROLES}


def test_a_field_removed_from_phenom_fails_the_contract_naming_it(hasura_copy, serve_project):
    _edit(hasura_copy, PHENOM_MEDIA_TYPE, PHENOM_MEDIA_TYPE.replace("  media_type: String!\n", ""))
    report = check_contract(serve_project(hasura_copy))
    failures = "\n".join(report.failures)
    assert "breaking: Field Phenom.media_type was removed." in failures
    assert "role user" in failures and "role admin" in failures


def test_an_argument_made_required_fails_the_contract_naming_it(hasura_copy, serve_project):
    _edit(hasura_copy, "getPhenoms(limit: Int,", "getPhenoms(limit: Int!,")
    report = check_contract(serve_project(hasura_copy))
    assert any(
        "breaking:" in failure and "query_root.getPhenoms" in failure and "limit" in failure
        for failure in report.failures
    ), report.failures


def test_a_breaking_change_fails_with_the_snapshot_regenerated_until_it_is_approved(hasura_copy, serve_project):
    # GIVEN a field removed and the snapshots regenerated from the engine serving the change
    _edit(hasura_copy, PHENOM_MEDIA_TYPE, PHENOM_MEDIA_TYPE.replace("  media_type: String!\n", ""))
    served = serve_project(hasura_copy)
    _regenerate(hasura_copy, served)
    # WHEN the contract is checked against the released snapshots THEN the break for role user still fails
    report = check_contract(served, hasura_copy / "schema", released=_released())
    assert len(report.failures) == 1
    assert "role user: breaking changes" in report.failures[0]
    assert "Field Phenom.media_type was removed." in report.failures[0]
    # AND once approved-changes.yaml names the change and why, it passes
    (hasura_copy / "schema" / APPROVALS_FILE_NAME).write_text(
        '- role: user\n  change: "Field Phenom.media_type was removed."\n  why: "no app version in use reads it"\n',
        encoding="utf-8",
    )
    assert check_contract(served, hasura_copy / "schema", released=_released()).failures == []


def test_an_additive_change_passes_once_the_snapshot_is_regenerated(hasura_copy, serve_project):
    # GIVEN a new nullable field on Phenom, served by the engine
    _edit(hasura_copy, "  signed_uri: String\n  media:", "  signed_uri: String\n  thumbnail_uri: String\n  media:")
    served = serve_project(hasura_copy)
    # THEN it fails against the committed snapshots, naming the addition
    assert "added: Phenom.thumbnail_uri was added." in "\n".join(check_contract(served).failures)
    # AND passes, with no warning, against regenerated ones
    _regenerate(hasura_copy, served)
    report = check_contract(served, hasura_copy / "schema", released=_released())
    assert (report.failures, report.warnings) == ([], [])


def test_a_new_optional_argument_is_not_breaking_but_is_listed_as_dangerous(hasura_copy, serve_project):
    _edit(hasura_copy, "getPhenoms(limit: Int,", "getPhenoms(mediaType: String, limit: Int,")
    served = serve_project(hasura_copy)
    _regenerate(hasura_copy, served)
    report = check_contract(served, hasura_copy / "schema", released=_released())
    assert report.failures == []
    assert any("query_root.getPhenoms(mediaType:)" in warning for warning in report.warnings), report.warnings


def test_the_drift_check_passes_against_the_stack_serving_hasura(local_stack):
    assert drift(served_schemas(local_stack)["user"]) == []


def test_the_drift_check_names_the_field_when_the_stack_serves_a_changed_schema(
    hasura_copy, serve_project, local_stack
):
    _edit(hasura_copy, PHENOM_MEDIA_TYPE, PHENOM_MEDIA_TYPE.replace("  media_type: String!\n", ""))
    assert drift(serve_project(hasura_copy)["user"]) == ["breaking: Field Phenom.media_type was removed."]
    # AND the stack's own engine, which other workers' tests use meanwhile, still serves hasura/
    assert drift(served_schemas(local_stack)["user"]) == []


def test_the_smoke_suite_reports_drift_as_its_own_failure_naming_the_field(
    hasura_copy, serve_project, engine_of_its_own, tmp_path
):
    # GIVEN an engine serving a schema without Phenom.media_type
    _edit(hasura_copy, PHENOM_MEDIA_TYPE, PHENOM_MEDIA_TYPE.replace("  media_type: String!\n", ""))
    serve_project(hasura_copy)
    stack_file, report_file = tmp_path / "stack.json", tmp_path / "report.json"
    stack_file.write_text(engine_of_its_own.to_json() + "\n", encoding="utf-8")
    # WHEN the smoke suite's drift check runs against it, as the canary runs it
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/smoke/test_schema_drift.py",
            "-m",
            "smoke",
            "--env",
            "local",
            f"--stack-file={stack_file}",
            f"--phenom-report={report_file}",
            "-p",
            "no:cacheprovider",
        ],
        cwd=HASURA_DIR.parent,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_SECONDS,
        check=False,
    )
    # THEN it fails naming the field, and the report carries the difference beside the round-trip's steps
    assert run.returncode == 1, run.stdout + run.stderr
    assert "breaking: Field Phenom.media_type was removed." in run.stdout
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["schema_drift"] == ["breaking: Field Phenom.media_type was removed."]
    assert "Phenom.media_type" in summary.failure_line(report, report_file)
