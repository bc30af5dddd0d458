"""The engine double's /v1/graphql: Hasura's table fields, permissions, errors and introspection."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.contract

INSERT_USER = """
mutation ($id: uuid!, $email: String!) {
  insert_users_one(object: {id: $id, email: $email}) { id email email_verified name __typename }
}
"""


def _errors(result: dict) -> list[tuple[str, str, str]]:
    assert "data" not in result, result
    return [(e["extensions"]["code"], e["message"], e["extensions"]["path"]) for e in result["errors"]]


@pytest.fixture
def user_id(hasura_double):
    """A users.id inserted through the double and deleted afterwards."""
    new_id = str(uuid.uuid4())
    hasura_double.graphql(INSERT_USER, {"id": new_id, "email": f"{new_id}@double.test"})
    try:
        yield new_id
    finally:
        hasura_double.graphql("mutation ($id: uuid!) { delete_users_by_pk(id: $id) { id } }", {"id": new_id})


def test_admin_insert_select_update_delete_round_trip(hasura_double):
    new_id = str(uuid.uuid4())
    # WHEN a user is inserted, read, updated and deleted as admin
    inserted = hasura_double.graphql(INSERT_USER, {"id": new_id, "email": f"{new_id}@double.test"})
    read = hasura_double.graphql("query ($id: uuid!) { users_by_pk(id: $id) { email } }", {"id": new_id})
    updated = hasura_double.graphql(
        'mutation ($id: uuid!) { update_users(where: {id: {_eq: $id}}, _set: {name: "N"}) '
        "{ affected_rows returning { name } } }",
        {"id": new_id},
    )
    deleted = hasura_double.graphql("mutation ($id: uuid!) { delete_users_by_pk(id: $id) { id } }", {"id": new_id})
    gone = hasura_double.graphql("query ($id: uuid!) { users_by_pk(id: $id) { id } }", {"id": new_id})
    # THEN each answer has Hasura's shape
    assert inserted == {
        "data": {
            "insert_users_one": {
                "id": new_id,
                "email": f"{new_id}@double.test",
                "email_verified": False,
                "name": None,
                "__typename": "users",
            }
        }
    }
    assert read == {"data": {"users_by_pk": {"email": f"{new_id}@double.test"}}}
    assert updated == {"data": {"update_users": {"affected_rows": 1, "returning": [{"name": "N"}]}}}
    assert deleted == {"data": {"delete_users_by_pk": {"id": new_id}}}
    assert gone == {"data": {"users_by_pk": None}}


def test_on_conflict_updates_the_listed_columns(hasura_double, user_id):
    result = hasura_double.graphql(
        'mutation ($id: uuid!) { insert_users(objects: [{id: $id, email: "x@double.test", name: "Up"}], '
        "on_conflict: {constraint: users_pkey, update_columns: [name]}) { affected_rows returning { email name } } }",
        {"id": user_id},
    )
    assert result == {
        "data": {"insert_users": {"affected_rows": 1, "returning": [{"email": f"{user_id}@double.test", "name": "Up"}]}}
    }


def test_on_conflict_without_update_columns_does_nothing(hasura_double, user_id):
    result = hasura_double.graphql(
        'mutation ($id: uuid!) { insert_users_one(object: {id: $id, email: "y@double.test"}, '
        "on_conflict: {constraint: users_pkey, update_columns: []}) { id } }",
        {"id": user_id},
    )
    assert result == {"data": {"insert_users_one": None}}


def test_nested_insert_writes_parent_and_children(hasura_double, user_id):
    result = hasura_double.graphql(
        "mutation ($owner: uuid!) { insert_phenoms_one(object: {owner_id: $owner, lat: 10.5, lng: -3, "
        'media_type: "video", media: {data: [{sort_order: 0, original_filename: "a.mp4", s3_key: "k-a"}, '
        '{sort_order: 1, original_filename: "b.mp4", s3_key: "k-b"}]}}) '
        "{ lat lng media(order_by: {sort_order: desc}) { s3_key } owner { id } } }",
        {"owner": user_id},
    )
    assert result == {
        "data": {
            "insert_phenoms_one": {
                "lat": 10.5,
                "lng": -3,
                "media": [{"s3_key": "k-b"}, {"s3_key": "k-a"}],
                "owner": {"id": user_id},
            }
        }
    }


def test_all_mutation_fields_of_a_request_share_one_transaction(hasura_double):
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    # WHEN the second insert of one request violates a constraint
    result = hasura_double.graphql(
        'mutation ($a: uuid!, $b: uuid!) { a: insert_users_one(object: {id: $a, email: "dup@double.test"}) { id } '
        'b: insert_users_one(object: {id: $b, email: "dup@double.test"}) { id } }',
        {"a": first, "b": second},
    )
    # THEN the request fails with Hasura's error and the first insert is rolled back too
    assert _errors(result) == [
        (
            "constraint-violation",
            'Uniqueness violation. duplicate key value violates unique constraint "users_email_key"',
            "$.selectionSet.b.args.object",
        )
    ]
    assert hasura_double.graphql("query ($id: uuid!) { users_by_pk(id: $id) { id } }", {"id": first}) == {
        "data": {"users_by_pk": None}
    }


def test_postgres_errors_map_to_hasura_codes(hasura_double, user_id):
    check = hasura_double.graphql(
        'mutation ($o: uuid!) { insert_phenoms_one(object: {owner_id: $o, lat: 91, lng: 0, media_type: "image"}) '
        "{ id } }",
        {"o": user_id},
    )
    foreign = hasura_double.graphql(
        'mutation { insert_phenoms_one(object: {owner_id: "00000000-0000-0000-0000-000000000000", lat: 1, lng: 0, '
        'media_type: "image"}) { id } }'
    )
    not_null = hasura_double.graphql(f'mutation {{ insert_users_one(object: {{id: "{uuid.uuid4()}"}}) {{ id }} }}')
    bad_uuid = hasura_double.graphql('{ users(where: {id: {_eq: "not-a-uuid"}}) { id } }')
    assert _errors(check)[0][:2] == (
        "permission-error",
        'Check constraint violation. new row for relation "phenoms" violates check constraint "phenoms_lat_check"',
    )
    assert _errors(foreign)[0][0] == "constraint-violation"
    assert _errors(foreign)[0][1].startswith("Foreign key violation. ")
    assert _errors(not_null)[0][1].startswith("Not-NULL violation. ")
    assert _errors(bad_uuid) == [("data-exception", 'invalid input syntax for type uuid: "not-a-uuid"', "$")]


def test_user_sees_only_own_rows_also_through_relationships(hasura_double, seeded_users):
    alice = hasura_double.as_user(seeded_users.alice)
    result = hasura_double.graphql(
        "{ users { id phenoms { owner_id media { phenom { owner_id } } } } phenoms { owner { id } } "
        "phenom_media { phenom { owner_id } } }",
        headers=alice,
    )
    own = seeded_users.alice
    assert result == {
        "data": {
            "users": [{"id": own, "phenoms": [{"owner_id": own, "media": [{"phenom": {"owner_id": own}}]}]}],
            "phenoms": [{"owner": {"id": own}}],
            "phenom_media": [{"phenom": {"owner_id": own}}],
        }
    }


def test_user_cannot_read_another_users_row_by_pk(hasura_double, seeded_users):
    alice = hasura_double.as_user(seeded_users.alice)
    result = hasura_double.graphql(
        "query ($id: uuid!) { phenoms_by_pk(id: $id) { id } }",
        {"id": seeded_users.phenoms[seeded_users.bob]},
        headers=alice,
    )
    assert result == {"data": {"phenoms_by_pk": None}}


def test_user_where_on_a_relationship_applies_the_remote_permission(hasura_double, seeded_users):
    alice = hasura_double.as_user(seeded_users.alice)
    result = hasura_double.graphql(
        "query ($bob: uuid!) { phenom_media(where: {phenom: {owner_id: {_eq: $bob}}}) { id } }",
        {"bob": seeded_users.bob},
        headers=alice,
    )
    assert result == {"data": {"phenom_media": []}}


def test_user_role_has_no_table_mutations(hasura_double):
    result = hasura_double.graphql(
        'mutation { insert_users_one(object: {email: "x"}) { id } }', headers=hasura_double.as_user(str(uuid.uuid4()))
    )
    assert _errors(result) == [
        (
            "validation-failed",
            "field 'insert_users_one' not found in type: 'mutation_root'",
            "$.selectionSet.insert_users_one",
        )
    ]


def test_a_role_without_mutations_gets_no_mutations_exist(hasura_double):
    result = hasura_double.graphql("mutation { __typename }", headers=hasura_double.as_user("x", role="nobody"))
    assert _errors(result) == [("validation-failed", "no mutations exist", "$")]


def test_unknown_and_unpermitted_fields_are_not_found(hasura_double):
    user = hasura_double.as_user(str(uuid.uuid4()))
    unknown_root = hasura_double.graphql("{ nope { id } }", headers=user)
    admin_only_table = hasura_double.graphql("{ chat_members { role } }", headers=user)
    nested = hasura_double.graphql("{ users { id secret } }", headers=user)
    assert _errors(unknown_root) == [
        ("validation-failed", "field 'nope' not found in type: 'query_root'", "$.selectionSet.nope")
    ]
    assert _errors(admin_only_table)[0][1] == "field 'chat_members' not found in type: 'query_root'"
    assert _errors(nested) == [
        ("validation-failed", "field 'secret' not found in type: 'users'", "$.selectionSet.users.selectionSet.secret")
    ]


def test_missing_session_variable_is_reported(hasura_double):
    headers = {**hasura_double.admin_headers, "x-hasura-role": "user"}
    result = hasura_double.graphql("{ users { id } }", headers=headers)
    assert _errors(result) == [("not-found", 'missing session variable: "x-hasura-user-id"', "$")]


def test_syntax_and_variable_errors(hasura_double):
    syntax = hasura_double.graphql("{ users { id ")
    missing = hasura_double.graphql("query ($id: uuid!) { users_by_pk(id: $id) { id } }")
    extra = hasura_double.graphql("{ users { id } }", {"unused": 1})
    assert _errors(syntax) == [("validation-failed", "not a valid graphql query", "$.query")]
    assert _errors(missing) == [("validation-failed", 'expecting a value for non-nullable variable: "id"', "$")]
    assert _errors(extra) == [("validation-failed", "unexpected variables in variableValues: unused", "$")]


def test_order_by_limit_offset_and_distinct_on(hasura_double, seeded_users):
    ids = sorted([seeded_users.alice, seeded_users.bob])
    query = (
        "query ($ids: [uuid!]!) { users(where: {id: {_in: $ids}}, order_by: [{id: desc}], limit: 1, offset: 1) "
        "{ id } distinct: phenoms(where: {owner_id: {_in: $ids}}, distinct_on: [media_type]) { media_type } }"
    )
    result = hasura_double.graphql(query, {"ids": ids})
    assert result == {"data": {"users": [{"id": ids[0]}], "distinct": [{"media_type": "image"}]}}


def test_fragments_aliases_and_skip_include(hasura_double, seeded_users):
    query = """
    query ($id: uuid!, $no: Boolean!) {
      me: users_by_pk(id: $id) { ...who email @include(if: $no) name @skip(if: $no) }
    }
    fragment who on users { key: id __typename }
    """
    result = hasura_double.graphql(query, {"id": seeded_users.alice, "no": False})
    assert result == {"data": {"me": {"key": seeded_users.alice, "__typename": "users", "name": None}}}


def test_aggregates(hasura_double, seeded_users):
    ids = [seeded_users.alice, seeded_users.bob]
    result = hasura_double.graphql(
        "query ($ids: [uuid!]!) { phenoms_aggregate(where: {owner_id: {_in: $ids}}) { aggregate { count "
        "kinds: count(columns: [media_type], distinct: true) sum { lat } max { lng } avg { lat } } nodes { lat } } "
        "users(where: {id: {_in: $ids}}, limit: 1) { phenoms_aggregate { aggregate { count } } } }",
        {"ids": ids},
    )
    assert result == {
        "data": {
            "phenoms_aggregate": {
                "aggregate": {"count": 2, "kinds": 1, "sum": {"lat": 3}, "max": {"lng": 2}, "avg": {"lat": 1.5}},
                "nodes": [{"lat": 1.5}, {"lat": 1.5}],
            },
            "users": [{"phenoms_aggregate": {"aggregate": {"count": 1}}}],
        }
    }


def test_introspection_of_users_insert_input(hasura_double):
    result = hasura_double.graphql('{ __type(name: "users_insert_input") { name kind inputFields { name } } }')
    fields = {field["name"] for field in result["data"]["__type"]["inputFields"]}
    assert result["data"]["__type"]["kind"] == "INPUT_OBJECT"
    assert {
        "id",
        "email",
        "email_verified",
        "name",
        "given_name",
        "family_name",
        "preferred_username",
        "locale",
        "created_at",
        "updated_at",
    } <= fields


def test_typename_and_schema_roots(hasura_double):
    result = hasura_double.graphql("{ __typename __schema { queryType { name } mutationType { name } } }")
    assert result == {
        "data": {
            "__typename": "query_root",
            "__schema": {"queryType": {"name": "query_root"}, "mutationType": {"name": "mutation_root"}},
        }
    }
