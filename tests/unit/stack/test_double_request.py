"""Documents the schema refuses get Hasura's messages and paths; JWKS refresh follows the cache headers."""

from __future__ import annotations

import pytest

from phenom_stack.double.errors import HasuraError
from phenom_stack.double.jwks import refresh_interval
from phenom_stack.double.request import prepare
from tests.kit.double_catalog import project_state

pytestmark = pytest.mark.unit

STATE = project_state()


def _refusal(query: str, role: str = "admin", **body) -> tuple[str, str, str]:
    with pytest.raises(HasuraError) as raised:
        prepare({"query": query, **body}, STATE.schemas.get(role))
    return raised.value.code, raised.value.message, raised.value.path


@pytest.mark.parametrize(
    ("query", "message", "path"),
    [
        ("{ users { nope } }", "field 'nope' not found in type: 'users'", "$.selectionSet.users.selectionSet.nope"),
        ("{ users(bogus: 1) { id } }", "'users' has no argument named 'bogus'", "$.selectionSet.users"),
        ("{ users_by_pk { id } }", "missing required field 'id'", "$.selectionSet.users_by_pk.args.id"),
        ("{ users }", "missing selection set for 'users'", "$.selectionSet.users.selectionSet"),
        (
            "{ users { id { x } } }",
            "unexpected subselection set for non-object field",
            "$.selectionSet.users.selectionSet.id",
        ),
        (
            "mutation { insert_users_one(object: {nope: 1}) { id } }",
            "field 'nope' not found in type: 'users_insert_input'",
            "$.selectionSet.insert_users_one.args.object.nope",
        ),
        (
            "{ ...f } fragment f on query_root { users { nope } }",
            "field 'nope' not found in type: 'users'",
            "$.selectionSet.users.selectionSet.nope",
        ),
    ],
)
def test_validation_errors_read_like_hasuras(query, message, path):
    assert _refusal(query) == ("validation-failed", message, path)


def test_operation_selection_errors():
    two = "query A { users { id } } query B { users { id } }"
    assert (
        _refusal(two)[1] == "exactly one operation has to be present in the document when operationName is not "
        "specified"
    )
    assert _refusal(two, operationName="C")[1] == 'no such operation found in the document: "C"'
    assert (
        _refusal("{ users { id } } query B { users { id } }", operationName="B")[1]
        == "operationName cannot be used when an anonymous operation exists in the document"
    )


def test_variable_errors():
    query = "query ($id: uuid!) { users_by_pk(id: $id) { id } }"
    assert _refusal(query, variables={"id": None})[1] == "null value found for non-nullable type: uuid!"
    assert _refusal(query, variables={})[1] == 'expecting a value for non-nullable variable: "id"'


def test_request_without_a_query_is_a_parse_failure():
    with pytest.raises(HasuraError) as raised:
        prepare({"variables": {}}, STATE.schemas.get("admin"))
    assert raised.value.code == "parse-failed"


def test_a_valid_operation_is_prepared():
    operation = prepare(
        {
            "query": "query Q($id: uuid!) { users_by_pk(id: $id) { id } }",
            "operationName": "Q",
            "variables": {"id": "x"},
        },
        STATE.schemas.get("user"),
    )
    assert operation.variables.coerced == {"id": "x"} and not operation.is_mutation


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Cache-Control": "public, max-age=300"}, 300),
        ({"Cache-Control": "s-maxage=0"}, 1),
        ({"Cache-Control": "no-cache"}, 1),
        # Neither header (moto's JWKS): Hasura refetches every second.
        ({}, 1),
    ],
)
def test_jwks_refresh_interval(headers, seconds):
    assert refresh_interval(headers) == seconds


def test_unused_fragments_and_variables_are_accepted_but_values_for_them_are_not():
    query = "query ($unused: Int) { users { id } } fragment spare on users { id }"
    prepare({"query": query}, STATE.schemas.get("admin"))
    assert _refusal(query, variables={"unused": 1})[1] == "unexpected variables in variableValues: unused"


def test_variable_of_the_wrong_type():
    query = "query ($x: Int) { users(where: {email: {_eq: $x}}) { id } }"
    assert _refusal(query) == (
        "validation-failed",
        "variable 'x' is declared as 'Int', but used where 'String' is expected",
        "$.selectionSet.users.args.where.email._eq",
    )
