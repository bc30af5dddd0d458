"""Permission filters and `where` arguments compile to the SQL conditions Hasura would apply."""

from __future__ import annotations

import pytest
from graphql.execution.values import VariableValues

from phenom_stack.double.boolexp import compile_bool_exp
from phenom_stack.double.collect import Walk
from phenom_stack.double.errors import HasuraError
from phenom_stack.double.sql_context import SqlContext
from tests.kit.double_catalog import project_state

pytestmark = pytest.mark.unit

USER_ID = "5a1d0c4e-0000-4000-8000-000000000001"


@pytest.fixture(scope="module")
def state():
    """The engine state of the project's metadata."""
    return project_state()


def _context(state, role: str = "user", session: dict | None = None) -> SqlContext:
    variables = session if session is not None else {"x-hasura-role": role, "x-hasura-user-id": USER_ID}
    return SqlContext(state.schemas.get(role), state.tables, Walk({}, VariableValues({}, {})), variables)


def _table(state, name: str):
    return state.tables[("public", name)]


def test_session_variable_in_a_filter_becomes_a_typed_parameter(state):
    ctx = _context(state)
    filter_exp = _table(state, "phenoms").permissions["select"]["user"].filter
    sql = compile_bool_exp(ctx, _table(state, "phenoms"), "_t0", filter_exp, permission=True)
    assert sql == '((_t0."owner_id" = %(p0)s::uuid))'
    assert ctx.params == {"p0": USER_ID}


def test_session_variable_names_are_case_insensitive(state):
    ctx = _context(state)
    sql = compile_bool_exp(ctx, _table(state, "users"), "u", {"id": {"_eq": "x-HASURA-user-ID"}}, permission=True)
    assert sql == '((u."id" = %(p0)s::uuid))' and ctx.params == {"p0": USER_ID}


def test_relationship_filter_is_an_exists_without_the_remote_permission(state):
    ctx = _context(state)
    filter_exp = _table(state, "phenom_media").permissions["select"]["user"].filter
    sql = compile_bool_exp(ctx, _table(state, "phenom_media"), "_t0", filter_exp, permission=True)
    assert sql == (
        '(EXISTS (SELECT 1 FROM "public"."phenoms" AS _t1 WHERE _t1."id" = _t0."phenom_id" AND '
        '((_t1."owner_id" = %(p0)s::uuid))))'
    )


def test_where_through_a_relationship_also_applies_the_remote_permission(state):
    ctx = _context(state)
    sql = compile_bool_exp(ctx, _table(state, "phenom_media"), "m", {"phenom": {"lat": {"_gt": 1.5}}}, permission=False)
    assert "EXISTS" in sql and '"owner_id" = %(p0)s::uuid' in sql and '"lat" > %(p1)s::double precision' in sql
    assert ctx.params == {"p0": USER_ID, "p1": "1.5"}


def test_values_in_where_arguments_are_never_session_variables(state):
    ctx = _context(state)
    compile_bool_exp(ctx, _table(state, "users"), "u", {"email": {"_eq": "X-Hasura-User-Id"}}, permission=False)
    assert ctx.params == {"p0": "X-Hasura-User-Id"}


def test_connectives_and_list_operators(state):
    ctx = _context(state)
    expression = {"_or": [{"email": {"_in": ["a", "b"]}}, {"_not": {"name": {"_is_null": True}}}], "_and": []}
    sql = compile_bool_exp(ctx, _table(state, "users"), "u", expression, permission=False)
    assert sql == '((((u."email" = ANY(%(p0)s::text[]))) OR (NOT ((u."name" IS NULL)))) AND true)'
    assert ctx.params == {"p0": ["a", "b"]}


def test_empty_or_is_false_and_empty_expression_is_true(state):
    ctx = _context(state)
    assert compile_bool_exp(ctx, _table(state, "users"), "u", {"_or": []}, permission=False) == "(false)"
    assert compile_bool_exp(ctx, _table(state, "users"), "u", {}, permission=False) == "true"


def test_missing_session_variable_is_hasuras_not_found(state):
    ctx = _context(state, session={"x-hasura-role": "user"})
    with pytest.raises(HasuraError) as raised:
        compile_bool_exp(ctx, _table(state, "users"), "u", {"id": {"_eq": "X-Hasura-User-Id"}}, permission=True)
    assert (raised.value.code, raised.value.message) == ("not-found", 'missing session variable: "x-hasura-user-id"')


def test_null_comparison_value_is_refused(state):
    with pytest.raises(HasuraError) as raised:
        compile_bool_exp(_context(state), _table(state, "users"), "u", {"id": {"_eq": None}}, permission=False)
    assert raised.value.code == "validation-failed"


def test_parameters_are_text_and_json_columns_get_json(state):
    ctx = _context(state)
    placeholders = [
        ctx.param(1.5, "double precision"),
        ctx.param(True, "boolean"),
        ctx.param("abc", "jsonb"),
        ctx.param({"a": [1]}, "jsonb"),
        ctx.param(["x", 2], "text[]"),
        ctx.param(None, "uuid"),
    ]
    assert placeholders == [
        "%(p0)s::double precision",
        "%(p1)s::boolean",
        "%(p2)s::jsonb",
        "%(p3)s::jsonb",
        "%(p4)s::text[]",
        "%(p5)s::uuid",
    ]
    assert list(ctx.params.values()) == ["1.5", "true", '"abc"', '{"a": [1]}', ["x", "2"], None]
