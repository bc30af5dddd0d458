"""The engine double against the real engine: the round-trip and the permission cases sent to both, answers compared.

Both engines serve the stack's database with the same metadata, JWKS and Function URL: the stack's own engine and
the double started here. Ids, timestamps and URLs differ between runs and are masked; everything else (data, nulls,
error messages, codes and paths) must be the same. Needs a docker stack: the real engine's container reaches only the
services a docker stack makes reachable from the bridge network (phenom_stack.docker_host).
"""

from __future__ import annotations

import json
import re

import pytest
import requests

from phenom_client.api_schema import INTROSPECTION_QUERY, compare, schema_from_introspection
from phenom_stack.second_engine import second_engine
from tests.contract.sign_in import SignedInUser

pytestmark = [pytest.mark.contract, pytest.mark.docker]

HTTP_TIMEOUT_SECONDS = 30
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:?\d\d|Z)?")
URL = re.compile(r"https?://[^\s\"]+")

CREATE = """mutation ($input: CreatePhenomInput!) {
  createPhenom(input: $input) { phenomId uploads { filename key uploadUrl } } }"""
GET_PHENOMS = """query { getPhenoms(limit: 5) {
  id lat lng media_type created_at signed_uri media { filename sort_order key upload_state signed_uri } } }"""
TABLE_READ = """query ($id: uuid!) { phenoms(where: {id: {_eq: $id}}) {
  id lat lng media_type owner { email }
  media(order_by: {sort_order: asc}) { sort_order original_filename upload_state } } }"""
DELETE = "mutation ($id: uuid!) { deletePhenom(phenomId: $id) { phenomId deletedObjects } }"
NEW_PHENOM = {"lat": 40.7, "lng": -74.0, "filenames": ["differential.jpg", "second.jpg"], "media_type": "image"}

# name -> (document, variables ("<phenom-of-b>" is filled in), who sends it: a | none | bad-admin | a-as-admin);
# each user owns one phenom meanwhile (fixture `phenoms`).
PERMISSION_CASES = {
    "own-profile-only": ("query { users { id email name } }", {}, "a"),
    "own-phenoms-only": ("query { phenoms { id owner_id } }", {}, "a"),
    "others-phenom-by-pk-is-null": (
        "query ($id: uuid!) { phenoms_by_pk(id: $id) { id } }",
        {"id": "<phenom-of-b>"},
        "a",
    ),
    "others-media-hidden": ("query { phenom_media { phenom_id } }", {}, "a"),
    "chat-members-not-exposed": ("query { chat_members { user_id } }", {}, "a"),
    "no-insert-for-user": (
        'mutation { insert_phenoms_one(object: {lat: 0, lng: 0, media_type: "image"}) { id } }',
        {},
        "a",
    ),
    "delete-others-phenom-not-found": (DELETE, {"id": "<phenom-of-b>"}, "a"),
    "missing-token": ("query { users { id } }", {}, "none"),
    "wrong-admin-secret": ("query { users { id } }", {}, "bad-admin"),
    "role-outside-allowed-roles": ("query { users { id } }", {}, "a-as-admin"),
}


def post(graphql_url: str, document: str, variables: dict, headers: dict) -> dict:
    response = requests.post(
        graphql_url, json={"query": document, "variables": variables}, headers=headers, timeout=HTTP_TIMEOUT_SECONDS
    )
    return {"status": response.status_code, "body": response.json()}


@pytest.fixture(scope="module")
def engines(local_stack, tmp_path_factory) -> dict[str, str]:
    """GraphQL URLs of the double and of real Hasura, both on the stack's database, JWKS and Function URL."""
    if local_stack.stack != "docker":
        pytest.skip(
            "the stack is hermetic: its services listen on loopback only, out of a container's reach; "
            "run with --stack docker (or auto) to compare the double with real Hasura"
        )
    with second_engine(local_stack, tmp_path_factory.mktemp("differential-double"), kind="hermetic") as double:
        yield {"double": double.graphql_url, "hasura": local_stack.graphql_url}


@pytest.fixture(scope="module")
def callers(user_a: SignedInUser, user_b: SignedInUser) -> dict[str, dict[str, str]]:
    """Request headers of each kind of caller in the cases."""
    return {
        "a": {"Authorization": f"Bearer {user_a.id_token}"},
        "b": {"Authorization": f"Bearer {user_b.id_token}"},
        "none": {},
        "bad-admin": {"x-hasura-admin-secret": "not-the-admin-secret"},
        "a-as-admin": {"Authorization": f"Bearer {user_a.id_token}", "x-hasura-role": "admin"},
    }


@pytest.fixture(scope="module")
def phenoms(local_stack, callers) -> dict[str, str]:
    """One phenom of each user ("a", "b"), created and finally deleted through the stack's own engine."""
    created = {}
    try:
        for caller in ("a", "b"):
            answer = post(local_stack.graphql_url, CREATE, {"input": NEW_PHENOM}, callers[caller])
            created[caller] = answer["body"]["data"]["createPhenom"]["phenomId"]
        yield created
    finally:
        for caller, phenom_id in created.items():
            post(local_stack.graphql_url, DELETE, {"id": phenom_id}, callers[caller])


def masked(answer, local_stack, phenoms: dict[str, str]) -> str:
    """The answer as JSON with known ids named and other ids, timestamps and URLs masked."""
    text = json.dumps(answer, sort_keys=True)
    for name, value in (
        ("<user-a>", local_stack.users[0].sub),
        ("<user-b>", local_stack.users[1].sub),
        ("<phenom-of-a>", phenoms["a"]),
        ("<phenom-of-b>", phenoms["b"]),
    ):
        text = text.replace(value, name)
    return URL.sub("<url>", TIMESTAMP.sub("<timestamp>", UUID.sub("<uuid>", text)))


def round_trip(graphql_url: str, headers: dict) -> list:
    """createPhenom, upload every file, getPhenoms, read the tables, deletePhenom: every answer in order."""
    answers = [post(graphql_url, CREATE, {"input": NEW_PHENOM}, headers)]
    created = (answers[0]["body"].get("data") or {}).get("createPhenom") or {}
    answers += [
        requests.put(upload["uploadUrl"], data=b"differential", timeout=HTTP_TIMEOUT_SECONDS).status_code
        for upload in created.get("uploads", [])
    ]
    answers.append(post(graphql_url, GET_PHENOMS, {}, headers))
    answers.append(post(graphql_url, TABLE_READ, {"id": created.get("phenomId")}, headers))
    answers.append(post(graphql_url, DELETE, {"id": created.get("phenomId")}, headers))
    return answers


def test_round_trip_answers_match(engines, callers, local_stack, phenoms):
    # WHEN the first user runs the round-trip through each engine
    answers = {kind: masked(round_trip(url, callers["a"]), local_stack, phenoms) for kind, url in engines.items()}
    # THEN the double answered every step as Hasura did
    assert answers["double"] == answers["hasura"]


@pytest.mark.parametrize("case", PERMISSION_CASES)
def test_permission_case_answers_match(case, engines, callers, local_stack, phenoms):
    document, variables, caller = PERMISSION_CASES[case]
    filled = {name: phenoms["b"] if value == "<phenom-of-b>" else value for name, value in variables.items()}
    # WHEN the same request goes to each engine
    answers = {
        kind: masked(post(url, document, filled, callers[caller]), local_stack, phenoms)
        for kind, url in engines.items()
    }
    # THEN the double's answer (data or error: message, code, path) is Hasura's
    assert answers["double"] == answers["hasura"]


@pytest.mark.parametrize("role", ["user", "admin"])
def test_each_roles_schema_is_the_same_on_both_engines(role, engines, callers, local_stack):
    # WHEN each engine is introspected as the role (user by the first user's ID token, admin by the admin secret)
    headers = callers["a"] if role == "user" else {"x-hasura-admin-secret": local_stack.admin_secret}
    schemas = {}
    for kind, url in engines.items():
        answer = post(url, INTROSPECTION_QUERY, {}, headers)
        assert "data" in answer["body"], f"{kind} refused introspection as {role}: {answer}"
        schemas[kind] = schema_from_introspection(answer["body"]["data"])
    # THEN they are the same schema, so a snapshot made on either holds on the other
    differences = compare(schemas["hasura"], schemas["double"]).lines()
    assert not differences, f"role {role}: the double's schema is not Hasura's:\n" + "\n".join(differences)
