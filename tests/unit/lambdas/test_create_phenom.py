"""createPhenom through the handler: one transactional mutation, keys under the phenom's prefix, presigned PUTs."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from lambdas.action_handler.create_phenom import CREATE_PHENOM
from tests.kit.events import action_body, function_url_event, handler_reply
from tests.kit.fixture_values import ADMIN_SECRET, MEDIA_BUCKET
from tests.kit.tokens import id_claims, signed_token

pytestmark = pytest.mark.unit

CREATE_INPUT = {"lat": 48.85, "lng": 2.35, "filenames": ["first.jpg", "../../second.png"], "media_type": "image"}


@pytest.fixture
def hasura_accepts_creates(fake_hasura):
    """The fake Hasura answers CreatePhenom as the real one does after inserting."""
    fake_hasura.answer(
        "CreatePhenom",
        lambda variables: (
            200,
            {
                "data": {
                    "insert_users_one": None,
                    "insert_phenoms_one": {"id": variables["phenom"]["id"]},
                    "insert_phenom_media": {"affected_rows": len(variables["media"])},
                }
            },
        ),
    )
    return fake_hasura


def _create(token, action_input=CREATE_INPUT, session_variables=None):
    event = function_url_event(action_body("createPhenom", {"input": action_input}, session_variables), token)
    return handler_reply(event)


def test_create_answers_phenom_id_and_one_upload_per_file(action_services, hasura_accepts_creates, id_token):
    status, output = _create(id_token.token)
    assert status == 200
    phenom_id = output["phenomId"]
    assert uuid.UUID(phenom_id).version == 4
    assert [upload["filename"] for upload in output["uploads"]] == CREATE_INPUT["filenames"]
    assert [upload["key"] for upload in output["uploads"]] == [
        f"media/{phenom_id}/0_{phenom_id}_first.jpg",
        f"media/{phenom_id}/1_{phenom_id}_second.png",
    ]


def test_upload_urls_are_presigned_puts_of_the_keys_for_five_minutes(action_services, hasura_accepts_creates, id_token):
    _, output = _create(id_token.token)
    for upload in output["uploads"]:
        url = urlsplit(upload["uploadUrl"])
        query = parse_qs(url.query)
        assert unquote(url.path) in {f"/{upload['key']}", f"/{MEDIA_BUCKET}/{upload['key']}"}
        assert (query["X-Amz-Algorithm"], query["X-Amz-Expires"]) == (["AWS4-HMAC-SHA256"], ["300"])


def test_create_is_one_admin_mutation_with_owner_phenom_and_media(action_services, hasura_accepts_creates, id_token):
    # WHEN a phenom is created
    _, output = _create(id_token.token)
    # THEN Hasura received exactly one document, the static one, sent with the admin secret
    [call] = hasura_accepts_creates.calls
    assert (call.query, call.admin_secret) == (CREATE_PHENOM, ADMIN_SECRET)
    # AND it upserts the token's user, inserts the phenom and one media row per file
    phenom_id = output["phenomId"]
    assert call.variables["owner"] == {"id": id_token.sub, "email": id_token.email}
    assert call.variables["phenom"] == {
        "id": phenom_id,
        "owner_id": id_token.sub,
        "lat": 48.85,
        "lng": 2.35,
        "media_type": "image",
    }
    assert call.variables["media"] == [
        {"phenom_id": phenom_id, "sort_order": order, "original_filename": name, "s3_key": upload["key"]}
        for order, (name, upload) in enumerate(zip(CREATE_INPUT["filenames"], output["uploads"], strict=True))
    ]


def test_upsert_of_the_caller_never_overwrites_an_existing_user():
    assert "on_conflict: {constraint: users_pkey, update_columns: []}" in CREATE_PHENOM


def test_identity_in_session_variables_is_ignored(action_services, hasura_accepts_creates, id_token):
    # GIVEN a body whose session variables claim another user (anyone can reach the Function URL)
    intruder = str(uuid.uuid4())
    session_variables = {"x-hasura-role": "admin", "x-hasura-user-id": intruder}
    # WHEN the caller creates a phenom
    _create(id_token.token, session_variables=session_variables)
    # THEN the rows belong to the token's subject
    [call] = hasura_accepts_creates.calls
    assert call.variables["phenom"]["owner_id"] == call.variables["owner"]["id"] == id_token.sub


@pytest.mark.parametrize(
    "bad_input",
    [
        {**CREATE_INPUT, "lat": 91},
        {**CREATE_INPUT, "lng": "east"},
        {**CREATE_INPUT, "filenames": []},
        {**CREATE_INPUT, "filenames": [f"{n}.jpg" for n in range(11)]},
        {**CREATE_INPUT, "media_type": "pdf"},
    ],
    ids=["lat", "lng", "no-files", "eleven-files", "media-type"],
)
def test_refused_input_writes_nothing(action_services, hasura_accepts_creates, s3, id_token, bad_input):
    status, error = _create(id_token.token, bad_input)
    assert (status, error["extensions"]["code"]) == (400, "validation-failed")
    assert hasura_accepts_creates.calls == []
    assert s3.list_objects_v2(Bucket=MEDIA_BUCKET)["KeyCount"] == 0


def test_refused_token_writes_nothing(action_services, hasura_accepts_creates, s3, stranger_key):
    status, error = _create(signed_token(stranger_key, id_claims()))
    assert (status, error["extensions"]["code"]) == (401, "invalid-jwt")
    assert hasura_accepts_creates.calls == []
    assert s3.list_objects_v2(Bucket=MEDIA_BUCKET)["KeyCount"] == 0


def test_token_without_email_cannot_create(action_services, hasura_accepts_creates, signing_key):
    status, error = _create(signed_token(signing_key, id_claims(email=None)))
    assert (status, error["extensions"]["code"]) == (401, "invalid-jwt")
    assert error["message"] == "token has no email claim, which createPhenom needs to record the user"
    assert hasura_accepts_creates.calls == []


def test_nul_in_a_filename_is_dropped_from_the_stored_name_only(action_services, hasura_accepts_creates, id_token):
    _, output = _create(id_token.token, {**CREATE_INPUT, "filenames": ["a\x00b.jpg"]})
    [call] = hasura_accepts_creates.calls
    assert output["uploads"][0]["filename"] == "a\x00b.jpg"
    assert call.variables["media"][0]["original_filename"] == "ab.jpg"
