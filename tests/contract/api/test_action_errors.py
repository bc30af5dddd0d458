"""Bad input is refused the way Hasura can show it: 400 with {message, extensions: {code}}, a message that
names the field, nothing written, never a 5xx (which Hasura would hide behind `internal error`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.contract.backend_calls import bearer, call_action_as, error_codes, post_graphql, post_raw_to_function_url

pytestmark = pytest.mark.contract

VALID_PHENOM = {"lat": 10.0, "lng": 20.0, "filenames": ["fine.jpg"], "media_type": "image"}


def _create(**changes: Any) -> dict[str, Any]:
    return {"input": {**VALID_PHENOM, **changes}}


@dataclass(frozen=True)
class BadInput:
    """One refused call: the action, its arguments, the expected code and the word the message must contain."""

    action: str
    arguments: dict[str, Any]
    code: str
    names: str


BAD_INPUTS = {
    "lat-91": BadInput("createPhenom", _create(lat=91), "validation-failed", "lat"),
    "lng-minus-181": BadInput("createPhenom", _create(lng=-181), "validation-failed", "lng"),
    "lat-nan-string": BadInput("createPhenom", _create(lat="NaN"), "validation-failed", "lat"),
    "lat-bool": BadInput("createPhenom", _create(lat=True), "validation-failed", "lat"),
    # json.dumps writes these as the bare tokens NaN and Infinity, which Python's json.loads accepts.
    "lat-nan-literal": BadInput("createPhenom", _create(lat=float("nan")), "validation-failed", "lat"),
    "lng-infinity-literal": BadInput("createPhenom", _create(lng=float("inf")), "validation-failed", "lng"),
    "zero-filenames": BadInput("createPhenom", _create(filenames=[]), "validation-failed", "filenames"),
    "eleven-filenames": BadInput(
        "createPhenom", _create(filenames=[f"{index}.jpg" for index in range(11)]), "validation-failed", "filenames"
    ),
    "empty-filename": BadInput("createPhenom", _create(filenames=[""]), "validation-failed", "filenames"),
    "media-type-exe": BadInput("createPhenom", _create(media_type="exe"), "validation-failed", "media_type"),
    "missing-input": BadInput("createPhenom", {}, "validation-failed", "input"),
    "limit-0": BadInput("getPhenoms", {"limit": 0}, "validation-failed", "limit"),
    "limit-101": BadInput("getPhenoms", {"limit": 101}, "validation-failed", "limit"),
    "phenom-id-not-uuid": BadInput("deletePhenom", {"phenomId": "not-a-uuid"}, "validation-failed", "phenomId"),
    "unknown-action": BadInput("dropAllPhenoms", {}, "not-supported", "dropAllPhenoms"),
}

# Bodies that are not a Hasura action request at all.
MALFORMED_BODIES = {
    "not-json": "this is not json",
    "json-array": "[]",
    "no-action-name": json.dumps({"input": {}, "session_variables": {}}),
    "input-not-object": json.dumps({"action": {"name": "getPhenoms"}, "input": [], "session_variables": {}}),
}


@pytest.fixture
def send_as_user_a(action_url, user_a, leaked_phenoms) -> Callable[[BadInput], requests.Response]:
    """Sends a bad call with user A's genuine token; a phenom it wrongly creates is deleted after the test."""

    def send(bad: BadInput) -> requests.Response:
        reply = call_action_as(action_url, user_a, bad.action, bad.arguments)
        if reply.ok and bad.action == "createPhenom":
            leaked_phenoms.append((user_a, reply.json()["phenomId"]))
        return reply

    return send


def _hasura_error_problems(reply) -> list[str]:
    """What keeps a reply from being a Hasura action error ({message: str, extensions: {code: str}})."""
    try:
        body = reply.json()
    except ValueError:
        return ["body is not JSON"]
    if not isinstance(body, dict):
        return ["body is not a JSON object"]
    problems = [] if isinstance(body.get("message"), str) else ["message is not a string"]
    extensions = body.get("extensions")
    if not isinstance(extensions, dict) or not isinstance(extensions.get("code"), str):
        problems.append("extensions.code is not a string")
    return problems


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_refused_with_400_and_its_code(case, send_as_user_a):
    # GIVEN a genuine token and one bad field
    bad = BAD_INPUTS[case]
    # WHEN the handler gets it as Hasura would send it
    reply = send_as_user_a(bad)
    # THEN it answers 400 with a Hasura action error carrying the expected code
    assert reply.status_code == 400, f"{case}: expected HTTP 400, got {reply.status_code}"
    assert not _hasura_error_problems(reply), f"{case}: {_hasura_error_problems(reply)}"
    assert reply.json()["extensions"]["code"] == bad.code, f"{case}: code {reply.json()['extensions']['code']!r}"


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_message_names_the_field(case, send_as_user_a):
    bad = BAD_INPUTS[case]
    reply = send_as_user_a(bad)
    message = reply.json().get("message", "") if not _hasura_error_problems(reply) else ""
    assert bad.names in message, f"{case}: message {message!r} does not name {bad.names!r}"


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_writes_nothing(case, send_as_user_a, store_changes):
    changes = store_changes(lambda: send_as_user_a(BAD_INPUTS[case]))
    assert not changes, f"{case}: refused call changed the stores:\n{changes}"


@pytest.mark.parametrize("case", MALFORMED_BODIES)
def test_malformed_body_is_refused_with_400_bad_request(case, action_url, user_a):
    reply = post_raw_to_function_url(action_url, MALFORMED_BODIES[case], bearer(user_a.id_token))
    assert reply.status_code == 400, f"{case}: expected HTTP 400, got {reply.status_code}"
    assert not _hasura_error_problems(reply), f"{case}: {_hasura_error_problems(reply)}"
    assert reply.json()["extensions"]["code"] == "bad-request", f"{case}: code {reply.json()['extensions']['code']!r}"


def test_refusal_reaches_the_graphql_client_verbatim(graphql_url, action_url, user_a):
    # GIVEN the same bad createPhenom sent to the handler directly and through the engine
    bad = BAD_INPUTS["lat-91"]
    direct = call_action_as(action_url, user_a, bad.action, bad.arguments).json()
    through_engine = post_graphql(
        graphql_url,
        "mutation Create($input: CreatePhenomInput!) { createPhenom(input: $input) { phenomId } }",
        bad.arguments,
        authorization=bearer(user_a.id_token),
    )
    # THEN the client sees the handler's message and extensions as they are (not Hasura's `internal error`)
    assert error_codes(through_engine) == [bad.code], f"engine reported {error_codes(through_engine)}"
    error = through_engine["errors"][0]
    assert (error["message"], error["extensions"]) == (direct["message"], direct["extensions"]), (
        "the engine did not pass the handler's error through verbatim"
    )
