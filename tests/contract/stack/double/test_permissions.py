"""Insert, update and delete permissions (presets, checks, filters) of a role, as the double evaluates them.

The project gives `user` select permissions only, so these tests add an `editor` role to a copy of the metadata.
"""

from __future__ import annotations

import copy

import pytest

from phenom_stack.hasura_project import replace_metadata_body

pytestmark = pytest.mark.contract

OWN = {"owner_id": {"_eq": "X-Hasura-User-Id"}}
EDITOR_PERMISSIONS = {
    "select_permissions": [{"role": "editor", "permission": {"columns": "*", "filter": OWN}}],
    "insert_permissions": [
        {
            "role": "editor",
            "permission": {
                "columns": ["lat", "lng", "media_type"],
                "set": {"owner_id": "x-hasura-User-Id"},
                "check": OWN,
            },
        }
    ],
    "update_permissions": [
        {"role": "editor", "permission": {"columns": ["lat"], "filter": OWN, "check": {"lat": {"_lt": 50}}}}
    ],
    "delete_permissions": [{"role": "editor", "permission": {"filter": OWN}}],
}


@pytest.fixture
def editor_double(fresh_double, project_metadata):
    """A double whose metadata also lets role `editor` write its own phenoms."""
    metadata = copy.deepcopy(project_metadata)
    phenoms = next(t for t in metadata["sources"][0]["tables"] if t["table"]["name"] == "phenoms")
    for kind, permissions in EDITOR_PERMISSIONS.items():
        phenoms.setdefault(kind, []).extend(permissions)
    answer = fresh_double.post(fresh_double.metadata_url, replace_metadata_body(metadata))
    assert answer.status_code == 200, answer.text
    return fresh_double


def test_insert_takes_the_owner_from_the_session(editor_double, seeded_users):
    editor = editor_double.as_user(seeded_users.alice, role="editor")
    result = editor_double.graphql(
        'mutation { insert_phenoms_one(object: {lat: 3, lng: 4, media_type: "audio"}) { owner_id lat } }',
        headers=editor,
    )
    assert result == {"data": {"insert_phenoms_one": {"owner_id": seeded_users.alice, "lat": 3}}}


def test_preset_columns_are_not_insertable(editor_double, seeded_users):
    editor = editor_double.as_user(seeded_users.alice, role="editor")
    result = editor_double.graphql(
        "mutation ($o: uuid!) { insert_phenoms_one(object: {owner_id: $o, lat: 3, "
        'lng: 4, media_type: "audio"}) { id } }',
        {"o": seeded_users.bob},
        headers=editor,
    )
    assert result["errors"][0]["message"] == "field 'owner_id' not found in type: 'phenoms_insert_input'"


def test_update_is_limited_to_own_rows_and_checked(editor_double, seeded_users):
    editor = editor_double.as_user(seeded_users.alice, role="editor")
    others = editor_double.graphql(
        "mutation ($id: uuid!) { update_phenoms(where: {id: {_eq: $id}}, _set: {lat: 5}) { affected_rows } }",
        {"id": seeded_users.phenoms[seeded_users.bob]},
        headers=editor,
    )
    too_far = editor_double.graphql(
        "mutation ($id: uuid!) { update_phenoms_by_pk(pk_columns: {id: $id}, _set: {lat: 60}) { lat } }",
        {"id": seeded_users.phenoms[seeded_users.alice]},
        headers=editor,
    )
    assert others == {"data": {"update_phenoms": {"affected_rows": 0}}}
    assert too_far["errors"][0]["extensions"]["code"] == "permission-error"
    assert too_far["errors"][0]["message"] == "check constraint of an insert/update permission has failed"


def test_delete_is_limited_to_own_rows(editor_double, seeded_users):
    editor = editor_double.as_user(seeded_users.alice, role="editor")
    result = editor_double.graphql(
        "mutation { delete_phenoms(where: {}) { affected_rows returning { owner_id } } }", headers=editor
    )
    assert result == {"data": {"delete_phenoms": {"affected_rows": 1, "returning": [{"owner_id": seeded_users.alice}]}}}
    remaining = editor_double.graphql(
        "{ phenoms { owner_id } }", headers=editor_double.as_user(seeded_users.bob, role="editor")
    )
    assert remaining == {"data": {"phenoms": [{"owner_id": seeded_users.bob}]}}
