"""How a users_insert_input field's introspected type becomes a column's scalar: through any NON_NULL wrappers,
and not at all for lists and input objects (called inside the tests, so mutation testing sees every call)."""

from __future__ import annotations

import pytest

from lambdas.cognito_sync_users.columns import IntrospectionError, scalar_columns

pytestmark = pytest.mark.unit


def _non_null(of_type: dict) -> dict:
    return {"kind": "NON_NULL", "name": None, "ofType": of_type}


SCALAR = {"kind": "SCALAR", "name": "uuid", "ofType": None}


@pytest.mark.parametrize(
    "field_type, expected",
    [
        (SCALAR, {"id": "uuid"}),
        (_non_null(SCALAR), {"id": "uuid"}),
        (_non_null(_non_null(SCALAR)), {"id": "uuid"}),
        ({"kind": "LIST", "name": None, "ofType": SCALAR}, {}),
        (_non_null({"kind": "INPUT_OBJECT", "name": "phenoms_arr_rel_insert_input", "ofType": None}), {}),
        (_non_null(None), {}),
    ],
    ids=["scalar", "non-null", "non-null-twice", "list", "input-object", "non-null-of-nothing"],
)
def test_a_field_is_a_column_only_when_a_scalar_lies_under_its_wrappers(field_type, expected):
    introspection = {"__type": {"inputFields": [{"name": "id", "type": field_type}]}}
    assert dict(scalar_columns(introspection)) == expected


@pytest.mark.parametrize("described", [None, {"inputFields": None}, {"name": "users_insert_input"}])
def test_a_schema_without_the_input_type_is_named_in_the_error(described):
    with pytest.raises(IntrospectionError, match="^users_insert_input is not in the GraphQL schema"):
        scalar_columns({"__type": described})
