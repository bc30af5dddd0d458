"""The API contract's pure parts: normalised snapshots, what counts as which change, approvals, drift in the report."""

from __future__ import annotations

import pytest
from graphql import build_client_schema, build_schema, graphql_sync

from phenom_client import summary
from phenom_client.api_schema import (
    INTROSPECTION_QUERY,
    Approval,
    ApprovalsFileError,
    SchemaDiff,
    check_contract,
    compare,
    drift,
    normalised_sdl,
    read_approvals,
    read_snapshot,
    schema_from_introspection,
    snapshot_path,
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


def test_a_snapshot_is_written_where_its_role_says_and_read_back(tmp_path):
    schema_dir = tmp_path / "hasura" / "schema"
    assert read_snapshot("user", schema_dir) is None
    path = write_snapshot("user", build_schema(BASE), schema_dir)
    assert path == snapshot_path("user", schema_dir) == schema_dir / "user.graphql"
    assert write_snapshot("user", build_schema(BASE), schema_dir) == path
    assert path.read_text(encoding="utf-8") == normalised_sdl(build_schema(BASE))
    assert not compare(read_snapshot("user", schema_dir), build_schema(BASE))
    assert read_snapshot("admin", schema_dir) is None


def test_snapshots_and_approvals_are_utf_8_whatever_the_locale(tmp_path, c_locale):
    described = _changed("the caller's sightings", "the caller’s sightings, café included")
    path = write_snapshot("user", build_schema(described), tmp_path)
    assert "café" in path.read_bytes().decode("utf-8")
    assert read_snapshot("user", tmp_path).query_type.fields["getPhenoms"].description == (
        "the caller’s sightings, café included"
    )
    (tmp_path / "approved-changes.yaml").write_bytes(
        "- role: user\n  change: Field Phenom.lat was removed.\n  why: no app reads it — naïve\n".encode()
    )
    assert read_approvals(tmp_path) == [Approval("user", "Field Phenom.lat was removed.", "no app reads it — naïve")]
    # AND the drift check reads the snapshot as UTF-8 too: the same schema, descriptions and all, is no drift
    assert drift(build_schema(described), tmp_path) == []


def test_the_schema_of_an_introspection_answer_is_the_one_introspected():
    introspection = graphql_sync(build_schema(BASE), INTROSPECTION_QUERY).data
    assert normalised_sdl(schema_from_introspection(introspection)) == normalised_sdl(build_schema(BASE))


def test_drift_without_a_snapshot_says_how_to_make_one(tmp_path):
    assert drift(build_schema(BASE), tmp_path) == [
        "no snapshot user.graphql to compare with: run `.venv/bin/phenom-schema snapshot` and commit hasura/schema/"
    ]


def test_approvals_are_read_with_their_text_trimmed(tmp_path):
    assert read_approvals(tmp_path) == []
    (tmp_path / "approved-changes.yaml").write_text("", encoding="utf-8")
    assert read_approvals(tmp_path) == []
    (tmp_path / "approved-changes.yaml").write_text(
        "- role: user\n  change: '  Field Phenom.lat was removed. '\n  why: ' no app reads it '\n"
        "- role: admin\n  change: Field Phenom.id was removed.\n  why: admin tools follow\n",
        encoding="utf-8",
    )
    assert read_approvals(tmp_path) == [
        Approval("user", "Field Phenom.lat was removed.", "no app reads it"),
        Approval("admin", "Field Phenom.id was removed.", "admin tools follow"),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("role: user\n", "approved-changes.yaml must be a list of entries with role, change and why"),
        ("just a sentence\n", "approved-changes.yaml must be a list of entries with role, change and why"),
        (
            "- role: user\n  change: x\n  why: y\n- a string\n",
            "approved-changes.yaml entry 2 needs non-empty role, change and why",
        ),
        ("- role: 3\n  change: x\n  why: y\n", "approved-changes.yaml entry 1 needs non-empty role, change and why"),
        ("- change: x\n  why: y\n", "approved-changes.yaml entry 1 needs non-empty role, change and why"),
        (
            "- role: user\n  change: ' '\n  why: y\n",
            "approved-changes.yaml entry 1 needs non-empty role, change and why",
        ),
        ("- role: user\n  change: x\n", "approved-changes.yaml entry 1 needs non-empty role, change and why"),
    ],
    ids=["mapping", "scalar", "not-a-mapping", "number", "no-role", "blank-change", "no-why"],
)
def test_a_malformed_approval_is_refused_naming_the_entry(tmp_path, text, problem):
    (tmp_path / "approved-changes.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ApprovalsFileError) as failure:
        read_approvals(tmp_path)
    assert str(failure.value) == problem


WIDER = (
    BASE
    + """
interface Node { id: ID! }
enum Kind { IMAGE VIDEO }
input Where { near: Float = 2 kind: Kind }
directive @cached(ttl: Int = 60) on QUERY
directive @live(every: Int) on QUERY
"""
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "interface Node { id: ID! }", SchemaDiff(added=("Node was added.",))),
        ("", "enum Kind { IMAGE VIDEO }", SchemaDiff(added=("Kind was added.",))),
        ("", "input Where { near: Float = 2 }", SchemaDiff(added=("Where was added.",))),
        ("", "directive @live(every: Int) on QUERY", SchemaDiff(added=("@live was added.",))),
        ("", "extend type Phenom { near(km: Float = 1.5): [Phenom!] }", SchemaDiff(added=("Phenom.near was added.",))),
        (
            "interface Node { id: ID! }",
            "interface Node { id: ID! name: String }",
            SchemaDiff(added=("Node.name was added.",)),
        ),
        (
            "kind: Kind }",
            "kind: Kind where: Where }",
            SchemaDiff(dangerous=("An optional field Where.where was added.",)),
        ),
        ("(ttl: Int = 60)", "(ttl: Int = 60, refresh: Boolean)", SchemaDiff(added=("@cached(refresh:) was added.",))),
        (
            "limit: Int)",
            "limit: Int = 5)",
            SchemaDiff(other=("query_root.getPhenoms(limit:) changed from Int to Int = 5.",)),
        ),
        ("Float = 2", "Float = 3", SchemaDiff(dangerous=("Where.near has changed defaultValue from 2 to 3.",))),
        ("Int = 60", "Int = 30", SchemaDiff(dangerous=("@cached(ttl:) has changed defaultValue from 60 to 30.",))),
        (
            "on QUERY",
            "on QUERY | MUTATION",
            SchemaDiff(
                other=(
                    "@cached changed from DirectiveLocation.QUERY to DirectiveLocation.QUERY, DirectiveLocation.MUTATION.",
                )
            ),
        ),
        (
            "interface Node { id: ID! }",
            "interface Node { id: ID }",
            SchemaDiff(breaking=("Field Node.id changed type from ID! to ID.",)),
        ),
        ("kind: Kind }", "kind: Kind = IMAGE }", SchemaDiff(other=("Where.kind changed from Kind to Kind = IMAGE.",))),
        ("every: Int)", "every: Int = 5)", SchemaDiff(other=("@live(every:) changed from Int to Int = 5.",))),
        (
            "interface Node { id: ID! }",
            "enum Node { ID }",
            SchemaDiff(
                breaking=("Node changed from an Interface type to an Enum type.",), added=("Node.ID was added.",)
            ),
        ),
        (
            "enum Kind { IMAGE VIDEO }",
            "type Kind { image: String }",
            SchemaDiff(
                breaking=("Kind changed from an Enum type to an Object type.",), added=("Kind.image was added.",)
            ),
        ),
        (
            "getPhenoms(limit: Int): [Phenom!]!",
            "getPhenoms(limit: Int = 5): [Phenom!]",
            SchemaDiff(breaking=("Field query_root.getPhenoms changed type from [Phenom!]! to [Phenom!].",)),
        ),
        (
            "on QUERY\ndirective @live(every: Int)",
            "on QUERY | MUTATION\ndirective @live",
            SchemaDiff(
                breaking=("Argument @live(every:) was removed.",),
                other=(
                    "@cached changed from DirectiveLocation.QUERY to DirectiveLocation.QUERY, "
                    "DirectiveLocation.MUTATION.",
                ),
            ),
        ),
    ],
    ids=[
        "new-interface",
        "new-enum",
        "new-input",
        "new-directive",
        "new-field-with-an-argument",
        "new-interface-field",
        "new-input-field",
        "new-directive-argument",
        "argument-default-set",
        "input-default-changed",
        "directive-default-changed",
        "directive-location-added",
        "interface-field-made-nullable",
        "input-default-set",
        "directive-default-set",
        "interface-made-enum",
        "enum-made-object",
        "field-type-and-its-argument-changed",
        "location-added-beside-a-reported-change",
    ],
)
def test_each_kind_of_change_is_reported_once_in_its_own_words(old, new, expected):
    before = WIDER if old else BASE
    after = WIDER.replace(old, new, 1) if old else BASE + new + "\n"
    assert compare(build_schema(before), build_schema(after)) == expected


def test_diff_lines_tag_each_kind_in_order():
    diff = SchemaDiff(breaking=("b.",), dangerous=("d.",), added=("a.",), other=("o.",))
    assert diff.lines() == ["breaking: b.", "dangerous: d.", "added: a.", "changed: o."]
    assert all(SchemaDiff(**{kind: ("x.",)}) for kind in ("breaking", "dangerous", "added", "other"))
    assert not SchemaDiff()


REMOVED_MEDIA_TYPE = _changed(" media_type: String!", "")
WITH_BEFORE = _changed("limit: Int)", "limit: Int, before: String)")


def served_contract(tmp_path, served: dict[str, str], released=None, approvals: str | None = None):
    write_snapshot("user", build_schema(BASE), tmp_path)
    write_snapshot("admin", build_schema(BASE), tmp_path)
    if approvals is not None:
        (tmp_path / "approved-changes.yaml").write_text(approvals, encoding="utf-8")
    return check_contract(
        {role: build_schema(text) for role, text in served.items()},
        tmp_path,
        None if released is None else {role: text and build_schema(text) for role, text in released.items()},
    )


def test_served_schemas_that_are_their_snapshots_pass(tmp_path):
    report = served_contract(tmp_path, {"user": BASE, "admin": BASE}, released={"user": BASE, "admin": None})
    assert (report.failures, report.warnings) == ([], [])


def test_a_role_without_a_snapshot_fails_with_how_to_make_it_and_the_other_roles_are_still_checked(tmp_path):
    report = served_contract(tmp_path, {"anonymous": BASE, "admin": WITH_BEFORE})
    assert report.failures == [
        "role anonymous: no snapshot anonymous.graphql: run `.venv/bin/phenom-schema snapshot` and commit "
        "hasura/schema/",
        "role admin: the engine's schema is not admin.graphql (run `.venv/bin/phenom-schema snapshot` and commit "
        "hasura/schema/):\n  dangerous: An optional argument query_root.getPhenoms(before:) was added.",
    ]


def test_a_served_schema_that_is_not_its_snapshot_fails_with_each_change_on_its_own_line(tmp_path):
    report = served_contract(tmp_path, {"user": BASE, "admin": WITH_BEFORE.replace(" media_type: String!", "")})
    assert report.failures == [
        "role admin: the engine's schema is not admin.graphql (run `.venv/bin/phenom-schema snapshot` and commit "
        "hasura/schema/):\n"
        "  breaking: Field Phenom.media_type was removed.\n"
        "  dangerous: An optional argument query_root.getPhenoms(before:) was added."
    ]
    assert report.warnings == []


def test_a_breaking_change_since_the_release_fails_the_app_role_until_approved(tmp_path):
    # GIVEN snapshots already updated to a schema without two fields, and apps built against the one with them
    trimmed = REMOVED_MEDIA_TYPE.replace(" signed_uri: String", "")
    write_snapshot("user", build_schema(trimmed), tmp_path)
    served = {"user": build_schema(trimmed)}
    report = check_contract(served, tmp_path, {"user": build_schema(BASE)})
    assert report.failures == [
        "role user: breaking changes that apps in use may depend on, not in approved-changes.yaml:\n"
        "  Field Phenom.media_type was removed.\n"
        "  Field Phenom.signed_uri was removed."
    ]
    (tmp_path / "approved-changes.yaml").write_text(
        "- role: user\n  change: Field Phenom.media_type was removed.\n  why: no app reads it\n"
        "- role: user\n  change: Field Phenom.signed_uri was removed.\n  why: no app reads it\n",
        encoding="utf-8",
    )
    assert check_contract(served, tmp_path, {"user": build_schema(BASE)}).failures == []


def test_a_dangerous_change_since_the_release_is_a_warning_for_every_role(tmp_path):
    for role in ("user", "admin"):
        write_snapshot(role, build_schema(WITH_BEFORE), tmp_path)
    served = {"user": build_schema(WITH_BEFORE), "admin": build_schema(WITH_BEFORE)}
    report = check_contract(served, tmp_path, {"user": build_schema(BASE), "admin": build_schema(BASE)})
    assert report.failures == []
    assert report.warnings == [
        "role user: dangerous: An optional argument query_root.getPhenoms(before:) was added.",
        "role admin: dangerous: An optional argument query_root.getPhenoms(before:) was added.",
    ]


def test_an_admin_breaking_change_since_the_release_needs_no_approval(tmp_path):
    write_snapshot("admin", build_schema(REMOVED_MEDIA_TYPE), tmp_path)
    report = check_contract({"admin": build_schema(REMOVED_MEDIA_TYPE)}, tmp_path, {"admin": build_schema(BASE)})
    assert (report.failures, report.warnings) == ([], [])
