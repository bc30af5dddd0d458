"""The double's action reply checks, projection and header forwarding, without a handler."""

from __future__ import annotations

import pytest
from graphql import parse
from graphql.execution.values import VariableValues

from phenom_stack.double.action_output import project, validate_response
from phenom_stack.double.actions import ENGINE_USER_AGENT, forwarded_client_headers, outgoing_headers
from phenom_stack.double.actions_model import Action, render_template
from phenom_stack.double.collect import Selected, Walk
from phenom_stack.double.errors import HasuraError
from tests.kit.double_catalog import project_state

pytestmark = pytest.mark.unit

CUSTOM = project_state().custom_types
WALK = Walk({}, VariableValues({}, {}))


def _selected(document: str) -> Selected:
    field = parse(document).definitions[0].selection_set.selections[0]
    return Selected(field.alias.value if field.alias else field.name.value, field.name.value, [field])


def _action(**overrides) -> Action:
    values = {
        "name": "getPhenoms",
        "operation": "query",
        "arguments": (),
        "output_type": "[Phenom!]!",
        "handler": "http://h",
        "headers": (),
        "forward_client_headers": True,
        "timeout": 30,
        "roles": frozenset({"user"}),
    }
    return Action(**{**values, **overrides})


@pytest.mark.parametrize(
    ("value", "output_type", "message"),
    [
        (None, "CreatePhenomOutput!", "got null for the action webhook response"),
        ({"uploads": []}, "CreatePhenomOutput!", 'field "phenomId" expected in webhook response, but not found'),
        ({"phenomId": None, "uploads": []}, "CreatePhenomOutput!", 'expecting not null value for field "phenomId"'),
        ({"id": 1}, "[Phenom!]!", "expecting array for the action webhook response"),
        ([{"id": 1}], "DeletePhenomOutput", "got array for the action webhook response, expecting DeletePhenomOutput"),
        (["x"], "[Phenom!]!", "got scalar String for the action webhook response, expecting Phenom"),
    ],
)
def test_replies_that_do_not_fit_the_output_type(value, output_type, message):
    with pytest.raises(HasuraError) as raised:
        validate_response(value, output_type, CUSTOM)
    assert (raised.value.code, raised.value.message) == ("unexpected", message)


def test_only_top_level_fields_are_checked():
    validate_response({"phenomId": "p", "uploads": [{"filename": None}]}, "CreatePhenomOutput!", CUSTOM)
    validate_response(None, "DeletePhenomOutput", CUSTOM)


def test_projection_keeps_selected_fields_under_their_aliases():
    selected = _selected("{ getPhenoms { pid: id media { key __typename } __typename } }")
    reply = [{"id": "p1", "lat": 1, "media": [{"key": "k", "filename": "f"}, None]}]
    assert project(WALK, selected, reply, "[Phenom!]!", CUSTOM) == [
        {"pid": "p1", "media": [{"key": "k", "__typename": "PhenomMedia"}, None], "__typename": "Phenom"}
    ]


def test_missing_reply_fields_are_left_out_and_aliased_nested_objects_too():
    # Hasura looks nested objects up by response key, so `files: media` finds nothing.
    selected = _selected("{ getPhenoms { id signed_uri files: media { key } } }")
    assert project(WALK, selected, [{"id": "p1", "media": []}], "[Phenom!]!", CUSTOM) == [{"id": "p1"}]


def test_forwarded_client_headers_drop_hasuras_ignore_list():
    client = [
        ("Host", "api:8080"),
        ("User-Agent", "app/1"),
        ("Origin", "https://o"),
        ("Authorization", "Bearer t"),
        ("Content-Type", "application/json"),
        ("Content-Length", "10"),
        ("X-Hasura-Role", "user"),
        ("Accept-Encoding", "gzip"),
        ("Cookie", "c=1"),
        ("DNT", "1"),
    ]
    assert forwarded_client_headers(client) == {
        "Authorization": "Bearer t",
        "Cookie": "c=1",
        "X-Forwarded-Host": "api:8080",
        "X-Forwarded-User-Agent": "app/1",
        "X-Forwarded-Origin": "https://o",
    }


def test_outgoing_headers_merge_with_later_names_winning():
    action = _action(headers=(("X-Secret", "configured"), ("Content-Type", "text/plain")))
    headers = outgoing_headers(action, [("x-secret", "from-client"), ("User-Agent", "app")])
    assert headers == {
        "Content-Type": "application/json",
        "User-Agent": ENGINE_USER_AGENT,
        "x-secret": "from-client",
        "X-Forwarded-User-Agent": "app",
    }


def test_no_client_headers_without_forward_client_headers():
    headers = outgoing_headers(_action(forward_client_headers=False), [("Authorization", "Bearer t")])
    assert headers == {"Content-Type": "application/json", "User-Agent": ENGINE_USER_AGENT}


def test_handler_templates_resolve_from_the_environment():
    assert render_template("{{BASE}}/x/{{ PATH }}", {"BASE": "http://h", "PATH": "p"}) == "http://h/x/p"
    with pytest.raises(ValueError, match="Value for environment variables not found: BASE"):
        render_template("{{BASE}}/x", {})
