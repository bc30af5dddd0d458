"""The Postman collection and its environments, checked offline: the smoke round-trip's requests in order, the same
GraphQL documents as the client, every endpoint a variable, and no secret value in any file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from graphql import parse, print_ast

from phenom_client.documents import document_source
from phenom_client.environments import load_environment

pytestmark = pytest.mark.contract

POSTMAN_DIR = Path(__file__).resolve().parents[3] / "hasura" / "postman"
COLLECTION = json.loads((POSTMAN_DIR / "phenom.postman_collection.json").read_text(encoding="utf-8"))
ENVIRONMENT_FILES = ("phenom-local", "phenom-staging", "phenom-production")
ENDPOINT_KEYS = {"graphql_url", "cognito_endpoint", "client_id", "username", "password"}
V21_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
ITEMS = {item["name"]: item for item in COLLECTION["item"]}


def postman_environment(name: str) -> dict[str, str]:
    data = json.loads((POSTMAN_DIR / f"{name}.postman_environment.json").read_text(encoding="utf-8"))
    return {value["key"]: value for value in data["values"]}


def scripts(item: dict, listen: str) -> str:
    return "\n".join(
        line for event in item.get("event", []) if event["listen"] == listen for line in event["script"]["exec"]
    )


def normalised(document: str) -> str:
    return print_ast(parse(document))


def test_the_collection_is_postman_v21():
    assert COLLECTION["info"]["schema"] == V21_SCHEMA
    assert COLLECTION["info"]["name"]


def test_the_requests_follow_the_smoke_round_trip_in_order():
    assert [(name.split(" ", 1)[1], ITEMS[name]["request"]["method"]) for name in ITEMS] == [
        ("Sign in to Cognito", "POST"),
        ("createPhenom (multi-file)", "POST"),
        ("PUT upload_url", "PUT"),
        ("getPhenoms", "POST"),
        ("GET signed_uri", "GET"),
        ("deletePhenom", "POST"),
        ("getPhenoms no longer lists it", "POST"),
    ]


def test_every_request_asserts_with_pm_test():
    for name, item in ITEMS.items():
        assert re.search(r"\bpm\.test\(", scripts(item, "test")), f"{name} has no pm.test"


def test_sign_in_is_an_initiate_auth_call_that_captures_the_id_token():
    item = ITEMS["1 Sign in to Cognito"]
    request = item["request"]
    headers = {header["key"]: header["value"] for header in request["header"]}
    assert request["url"]["raw"] == "{{cognito_endpoint}}"
    assert headers == {
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
        "Content-Type": "application/x-amz-json-1.1",
    }
    assert 'AuthFlow: "USER_PASSWORD_AUTH"' in scripts(item, "prerequest")
    assert 'pm.collectionVariables.set("id_token"' in scripts(item, "test")


def test_graphql_requests_send_the_clients_own_documents_with_the_id_token():
    expected = {
        "2 createPhenom (multi-file)": "createPhenom",
        "4 getPhenoms": "getPhenoms",
        "6 deletePhenom": "deletePhenom",
        "7 getPhenoms no longer lists it": "getPhenoms",
    }
    for name, operation in expected.items():
        request = ITEMS[name]["request"]
        assert request["url"]["raw"] == "{{graphql_url}}"
        assert {"key": "Authorization", "value": "Bearer {{id_token}}", "type": "text"} in request["header"]
        sent = normalised(request["body"]["graphql"]["query"])
        assert sent == normalised(document_source(operation)), name
        assert isinstance(json.loads(re.sub(r"\{\{(\w+)\}\}", r"\1", request["body"]["graphql"]["variables"])), dict)


def test_create_uses_several_files_and_captures_the_first_upload():
    item = ITEMS["2 createPhenom (multi-file)"]
    variables = item["request"]["body"]["graphql"]["variables"]
    assert '"filenames": ["{{filename_1}}", "{{filename_2}}"]' in variables
    captured = re.findall(r'pm\.collectionVariables\.set\("(\w+)"', scripts(item, "test"))
    assert {"phenom_id", "upload_url"} <= set(captured)


def test_every_variable_a_request_uses_is_defined():
    defined = {variable["key"] for variable in COLLECTION["variable"]} | ENDPOINT_KEYS | {"initiate_auth_body"}
    used = set(re.findall(r"\{\{(\w+)\}\}", json.dumps(COLLECTION["item"])))
    assert used and used <= defined


@pytest.mark.parametrize("name", ENVIRONMENT_FILES)
def test_each_environment_names_every_endpoint_and_keeps_the_password_empty(name):
    values = postman_environment(name)
    assert set(values) == ENDPOINT_KEYS
    assert values["password"]["value"] == "" and values["password"]["type"] == "secret"


def test_no_postman_file_holds_a_token_or_a_password():
    for path in POSTMAN_DIR.glob("*.json"):
        text = path.read_text()
        assert not re.search(r"eyJ[\w-]+\.eyJ[\w-]+\.", text), f"{path.name} holds a JWT"
        assert "X-Amz-Signature=" not in text, f"{path.name} holds a signed URL"


def test_the_production_environment_matches_tests_environments_toml():
    prod, values = load_environment("prod"), postman_environment("phenom-production")
    assert values["graphql_url"]["value"] == prod.graphql_url
    assert values["client_id"]["value"] == prod.client_id
    assert values["username"]["value"] == prod.smoke_username
    assert values["cognito_endpoint"]["value"] == f"https://cognito-idp.{prod.region}.amazonaws.com/"


def test_staging_holds_no_placeholder_for_ids_we_do_not_know():
    values = postman_environment("phenom-staging")
    assert [values[key]["value"] for key in ("graphql_url", "client_id", "username")] == ["", "", ""]
    assert values["cognito_endpoint"]["value"] == "https://cognito-idp.us-east-1.amazonaws.com/"
