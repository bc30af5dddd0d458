"""User B can neither read nor delete user A's phenom, through the engine or the Function URL, and each
refusal leaves the rows and the media bucket exactly as they were."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import psycopg
import pytest
import requests

from tests.contract.backend_calls import (
    HTTP_TIMEOUT_SECONDS,
    bearer,
    call_action_as,
    create_phenom_as,
    error_codes,
    post_graphql,
)
from tests.contract.cleanup import delete_phenom_as
from tests.contract.sign_in import SignedInUser
from tests.kit.faults import wait_for

pytestmark = pytest.mark.contract

GET_PHENOM_IDS = "query PhenomIds { getPhenoms(limit: 100) { id } }"
PHENOM_BY_PK = "query PhenomByPk($id: uuid!) { phenoms_by_pk(id: $id) { id } }"
PHENOMS_BY_ID = "query PhenomsById($id: uuid!) { phenoms(where: {id: {_eq: $id}}) { id } }"
MEDIA_OF_PHENOM = "query MediaOfPhenom($id: uuid!) { phenom_media(where: {phenom_id: {_eq: $id}}) { id } }"
DELETE_PHENOM = "mutation DeletePhenom($id: uuid!) { deletePhenom(phenomId: $id) { phenomId deletedObjects } }"

# The local S3 invokes the notification Lambda asynchronously, as S3 does: usually within a second.
UPLOAD_RECORDED_SECONDS = 30


def _upload_state(database_url: str, phenom_id: str) -> str | None:
    with psycopg.connect(database_url) as connection:
        row = connection.execute("SELECT upload_state FROM phenom_media WHERE phenom_id = %s", (phenom_id,)).fetchone()
    return row[0] if row else None


@pytest.fixture(scope="module")
def phenom_of_a(action_url, user_a, database_url) -> str:
    """The id of user A's phenom with one uploaded object (so a wrongful delete would show in S3); removed after."""
    output = create_phenom_as(action_url, user_a, ["isolation.jpg"])
    try:
        upload = requests.put(output["uploads"][0]["uploadUrl"], data=b"isolation probe", timeout=HTTP_TIMEOUT_SECONDS)
        upload.raise_for_status()
        # S3's notification of the upload updates the media row on its own time: it must have landed before any
        # attempt compares the stores, or it shows as a change the attempt made.
        wait_for(
            lambda: _upload_state(database_url, output["phenomId"]) == "uploaded",
            UPLOAD_RECORDED_SECONDS,
            "the media row marked uploaded after the PUT",
        )
        yield output["phenomId"]
    finally:
        delete_phenom_as(action_url, user_a, output["phenomId"])


@dataclass(frozen=True)
class Intruder:
    """User B and both doors to the backend: what every attempt needs."""

    graphql_url: str
    action_url: str
    user: SignedInUser

    def graphql(self, query: str, phenom_id: str | None = None) -> dict:
        variables = {"id": phenom_id} if phenom_id else None
        return post_graphql(self.graphql_url, query, variables, authorization=bearer(self.user.id_token))

    def action(self, action: str, arguments: dict) -> requests.Response:
        return call_action_as(self.action_url, self.user, action, arguments)


# Every way B tries to reach A's phenom (id `pid`); each returns the raw reply.
ATTEMPTS = {
    "graphql-get-phenoms": lambda b, pid: b.graphql(GET_PHENOM_IDS),
    "graphql-phenoms-by-pk": lambda b, pid: b.graphql(PHENOM_BY_PK, pid),
    "graphql-phenoms-where-id": lambda b, pid: b.graphql(PHENOMS_BY_ID, pid),
    "graphql-media-of-phenom": lambda b, pid: b.graphql(MEDIA_OF_PHENOM, pid),
    "graphql-delete-phenom": lambda b, pid: b.graphql(DELETE_PHENOM, pid),
    "function-url-get-phenoms": lambda b, pid: b.action("getPhenoms", {"limit": 100}),
    "function-url-delete-phenom": lambda b, pid: b.action("deletePhenom", {"phenomId": pid}),
}


@pytest.fixture(scope="module")
def intruder(graphql_url, action_url, user_b) -> Intruder:
    """User B with the GraphQL endpoint and the Function URL."""
    return Intruder(graphql_url, action_url, user_b)


def test_other_user_get_phenoms_omits_it(intruder, phenom_of_a):
    reply = ATTEMPTS["graphql-get-phenoms"](intruder, phenom_of_a)
    assert "errors" not in reply, f"getPhenoms refused: {error_codes(reply)}"
    assert phenom_of_a not in {phenom["id"] for phenom in reply["data"]["getPhenoms"]}, "B sees A's phenom"


def test_other_user_get_phenoms_via_function_url_omits_it(intruder, phenom_of_a):
    reply = ATTEMPTS["function-url-get-phenoms"](intruder, phenom_of_a)
    assert reply.status_code == 200, f"getPhenoms failed with HTTP {reply.status_code}"
    assert phenom_of_a not in {phenom["id"] for phenom in reply.json()}, "B sees A's phenom"


def test_other_user_selects_nothing_by_pk(intruder, phenom_of_a):
    reply = ATTEMPTS["graphql-phenoms-by-pk"](intruder, phenom_of_a)
    assert reply.get("data") == {"phenoms_by_pk": None}, f"B's phenoms_by_pk: {error_codes(reply) or 'got a row'}"


def test_other_user_selects_nothing_by_id_filter(intruder, phenom_of_a):
    reply = ATTEMPTS["graphql-phenoms-where-id"](intruder, phenom_of_a)
    assert reply.get("data") == {"phenoms": []}, f"B's phenoms query on A's id: {error_codes(reply) or 'got rows'}"


def test_other_user_selects_none_of_its_media(intruder, phenom_of_a):
    reply = ATTEMPTS["graphql-media-of-phenom"](intruder, phenom_of_a)
    assert reply.get("data") == {"phenom_media": []}, f"B's phenom_media query: {error_codes(reply) or 'got rows'}"


def test_owner_selects_it_by_pk(graphql_url, user_a, phenom_of_a):
    # The control for the refusals above: the same query with the owner's token finds the row.
    reply = post_graphql(graphql_url, PHENOM_BY_PK, {"id": phenom_of_a}, authorization=bearer(user_a.id_token))
    assert reply.get("data") == {"phenoms_by_pk": {"id": phenom_of_a}}, f"owner cannot read it: {error_codes(reply)}"


def test_other_user_delete_through_graphql_is_not_found(intruder, phenom_of_a):
    reply = ATTEMPTS["graphql-delete-phenom"](intruder, phenom_of_a)
    assert error_codes(reply) == ["not-found"], f"B's deletePhenom through the engine: {error_codes(reply)}"


def test_other_user_delete_through_function_url_is_404_not_found(intruder, phenom_of_a):
    reply = ATTEMPTS["function-url-delete-phenom"](intruder, phenom_of_a)
    assert reply.status_code == 404, f"B's deletePhenom: HTTP {reply.status_code}"
    assert reply.json().get("extensions", {}).get("code") == "not-found", "B's deletePhenom: code is not not-found"


def test_other_users_phenom_reads_like_a_missing_one(intruder, phenom_of_a):
    # GIVEN a delete of A's phenom and a delete of an id that does not exist, both by B
    missing_id = str(uuid.uuid4())
    foreign = ATTEMPTS["function-url-delete-phenom"](intruder, phenom_of_a).json()
    missing = ATTEMPTS["function-url-delete-phenom"](intruder, missing_id).json()
    # THEN, ids aside, the answers are identical: B cannot learn that A's id exists
    assert foreign["message"].replace(phenom_of_a, "<id>") == missing["message"].replace(missing_id, "<id>"), (
        "not-found message differs between a foreign and a missing phenom"
    )
    assert foreign["extensions"] == missing["extensions"], "not-found extensions differ between foreign and missing"


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_refused_attempt_leaves_stores_unchanged(attempt, intruder, phenom_of_a, store_changes):
    changes = store_changes(lambda: ATTEMPTS[attempt](intruder, phenom_of_a))
    assert not changes, f"{attempt} changed the stores:\n{changes}"
