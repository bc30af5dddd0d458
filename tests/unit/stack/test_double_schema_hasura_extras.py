"""What Hasura v2.48 advertises beyond the table and action fields, which the double's schema has too so one
snapshot holds against both engines: subscription_root with <t>_stream, @cached, aggregate order_by on array
relationships, aggregation predicates and update_<t>_many where the role may, uuid columns in max/min."""

from __future__ import annotations

import pytest
from graphql import print_ast

from phenom_stack.double.errors import HasuraError
from phenom_stack.double.request import prepare
from tests.kit.double_catalog import project_state

pytestmark = pytest.mark.unit


def _schema(role: str):
    return project_state().schemas.get(role).schema


@pytest.mark.parametrize("role", ["user", "admin"])
def test_subscription_root_has_each_tables_query_fields_and_stream_but_no_action(role):
    schema = _schema(role)
    subscriptions = schema.subscription_type.fields
    tables = {name for name in schema.query_type.fields if name != "getPhenoms"}
    assert set(subscriptions) == tables | {"phenoms_stream", "phenom_media_stream", "users_stream"} | (
        {"chat_members_stream"} if role == "admin" else set()
    )
    stream = subscriptions["phenoms_stream"]
    assert {name: str(arg.type) for name, arg in stream.args.items()} == {
        "batch_size": "Int!",
        "cursor": "[phenoms_stream_cursor_input]!",
        "where": "phenoms_bool_exp",
    }
    assert set(schema.get_type("cursor_ordering").values) == {"ASC", "DESC"}


def test_the_cached_directive_is_advertised_on_queries():
    cached = _schema("user").get_directive("cached")
    assert [str(location) for location in cached.locations] == ["DirectiveLocation.QUERY"]
    assert {name: print_ast(arg.ast_node.default_value) for name, arg in cached.args.items()} == {
        "ttl": "60",
        "refresh": "false",
    }


def test_a_subscription_over_http_is_refused_as_hasura_refuses_it():
    role_schema = project_state().schemas.get("user")
    with pytest.raises(HasuraError) as refused:
        prepare({"query": "subscription { phenoms { id } }"}, role_schema)
    assert (refused.value.code, refused.value.message) == (
        "unexpected-payload",
        "subscriptions are not supported over HTTP, use websockets instead",
    )


def test_array_relationships_order_by_their_aggregates_even_without_aggregations():
    schema = _schema("user")
    assert str(schema.get_type("phenoms_order_by").fields["media_aggregate"].type) == "phenom_media_aggregate_order_by"
    assert "media_aggregate" not in schema.get_type("phenoms_bool_exp").fields
    aggregate_order = schema.get_type("phenom_media_aggregate_order_by").fields
    assert {"count", "max", "min", "sum", "avg"} <= set(aggregate_order)
    assert set(schema.get_type("phenom_media_max_order_by").fields) >= {"id", "phenom_id", "sort_order"}
    assert set(schema.get_type("phenom_media_sum_order_by").fields) == {"sort_order"}


def test_admin_has_aggregation_predicates_update_many_and_uuid_max():
    schema = _schema("admin")
    predicate = schema.get_type("phenom_media_aggregate_bool_exp_count").fields
    assert {name: str(field.type) for name, field in predicate.items()} == {
        "arguments": "[phenom_media_select_column!]",
        "distinct": "Boolean",
        "filter": "phenom_media_bool_exp",
        "predicate": "Int_comparison_exp!",
    }
    assert str(schema.get_type("phenoms_bool_exp").fields["media_aggregate"].type) == "phenom_media_aggregate_bool_exp"
    many = schema.mutation_type.fields["update_phenoms_many"]
    assert (str(many.type), str(many.args["updates"].type)) == ("[phenoms_mutation_response]", "[phenoms_updates!]!")
    assert "id" in schema.get_type("phenoms_max_fields").fields
