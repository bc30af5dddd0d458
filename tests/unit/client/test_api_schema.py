"""The API contract's pure parts: normalised snapshots, what counts as which change, approvals, drift in the report."""

from __future__ import annotations

import pytest
from graphql import build_client_schema, build_schema, graphql_sync

from phenom_client import summary
from phenom_client.api_schema import (
    INTROSPECTION_QUERY,
    Approval,
    ApprovalsFileError,
    compare,
    drift,
    normalised_sdl,
    read_approvals,
    unapproved,
    write_snapshot,
)
from phenom_client.report import build_report

pytestmark = pytest.mark.unit

BASE = """
type query_root {
  "the caller's sightings"
  getPhenoms(limit: Int): [Phenom!]!
}
type Phenom { id: ID! lat: Float! media_type: String! signed_uri: String }
schema { query: query_root }
"""


def _changed(old: str, new: str) -> str:
    return BASE.replace(old, new, 1)


def test_snapshot_text_ignores_field_order_and_keeps_descriptions():
    reordered = _changed("id: ID! lat: Float! media_type: String!", "media_type: String! lat: Float! id: ID!")
    text = normalised_sdl(build_schema(reordered))
    assert text == normalised_sdl(build_schema(BASE))
    assert text.index("id: ID!") < text.index("lat: Float!") < text.index("media_type: String!")
    assert "the caller's sightings" in text


def test_identical_schemas_and_description_edits_are_no_change():
    assert not compare(build_schema(BASE), build_schema(BASE))
    assert not compare(build_schema(BASE), build_schema(_changed("the caller's sightings", "your sightings")))


def test_a_removed_field_and_a_required_argument_are_breaking():
    new = _changed(" media_type: String!", "").replace("limit: Int)", "limit: Int!)")
    diff = compare(build_schema(BASE), build_schema(new))
    assert "Field Phenom.media_type was removed." in diff.breaking
    assert any("query_root.getPhenoms" in change and "limit" in change for change in diff.breaking)


def test_an_optional_argument_is_dangerous_and_a_new_field_is_an_addition():
    new = _changed("limit: Int)", "limit: Int, before: String)").replace(
        "signed_uri: String", "signed_uri: String cursor: String"
    )
    diff = compare(build_schema(BASE), build_schema(new))
    assert diff.breaking == ()
    assert [change for change in diff.dangerous if "before" in change]
    assert diff.added == ("Phenom.cursor was added.",)
    assert diff.lines()[-1] == "added: Phenom.cursor was added."


def test_a_new_type_is_one_addition_not_one_per_field():
    new = BASE + "type PhenomPage { rows: [Phenom!]! next: String }\n"
    assert compare(build_schema(BASE), build_schema(new)).added == ("PhenomPage was added.",)


def test_an_output_field_made_non_null_is_reported_as_changed():
    diff = compare(build_schema(BASE), build_schema(_changed("signed_uri: String", "signed_uri: String!")))
    assert diff.other == ("Phenom.signed_uri changed from String to String!.",)


def test_an_engine_that_does_not_advertise_graphql_cores_own_directives_has_not_removed_them():
    # Hasura advertises @include, @skip and @cached only; the snapshot, parsed by graphql-core, has all of them.
    introspection = graphql_sync(build_schema(BASE), INTROSPECTION_QUERY).data
    introspection["__schema"]["directives"] = [
        directive for directive in introspection["__schema"]["directives"] if directive["name"] in ("include", "skip")
    ]
    assert not compare(build_schema(BASE), build_client_schema(introspection))


def test_only_role_user_needs_approvals_and_an_approval_names_the_exact_change():
    diff = compare(build_schema(BASE), build_schema(_changed(" media_type: String!", "")))
    approval = Approval("user", "Field Phenom.media_type was removed.", "no app reads it")
    assert unapproved("user", diff, []) == ["Field Phenom.media_type was removed."]
    assert unapproved("user", diff, [approval]) == []
    assert unapproved("user", diff, [Approval("admin", approval.change, approval.why)]) == list(diff.breaking)
    assert unapproved("admin", diff, []) == []


@pytest.mark.parametrize(
    "text",
    ["role: user", "- role: user\n  change: Field Phenom.id was removed.\n", "- role: user\n  change: x\n  why: ''\n"],
    ids=["not-a-list", "no-why", "empty-why"],
)
def test_a_malformed_approvals_file_is_refused(tmp_path, text):
    (tmp_path / "approved-changes.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ApprovalsFileError):
        read_approvals(tmp_path)


def test_drift_names_each_difference_from_the_user_snapshot(tmp_path):
    write_snapshot("user", build_schema(BASE), tmp_path)
    assert drift(build_schema(BASE), tmp_path) == []
    changed = build_schema(_changed(" media_type: String!", ""))
    assert drift(changed, tmp_path) == ["breaking: Field Phenom.media_type was removed."]


def test_drift_is_its_own_failure_in_the_canary_summary():
    report = build_report("prod", "abc", None, None, schema_drift=["breaking: Field Phenom.lat was removed."])
    assert "Field Phenom.lat was removed." in summary.failure_line(report, summary.Path("r.json"))
    assert "**Schema drift:**" in summary.markdown(report, summary.Path("r.json"))
    assert build_report("prod", "abc", None)["schema_drift"] is None
