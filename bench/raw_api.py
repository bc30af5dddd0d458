"""The API called by hand, with boto3 and requests only (no client, no retries): what the bench scripts measure
against. The documents and time limits are the client's own, so both sides send the same calls."""

from __future__ import annotations

from typing import Any

import boto3

from phenom_client.documents import document_source
from phenom_client.timeouts import Timeouts

CREATE_PHENOM = document_source("createPhenom")
GET_PHENOMS = document_source("getPhenoms")
DELETE_PHENOM = document_source("deletePhenom")
TIMEOUT = Timeouts().requests


def cognito_client(stack: dict) -> Any:
    """A cognito-idp client for the stack's emulator; InitiateAuth is unsigned, so no credentials are needed."""
    return boto3.client("cognito-idp", region_name=stack["region"], endpoint_url=stack["aws_endpoint_url"])


def id_token(cognito: Any, stack: dict) -> str:
    """The ID token of the stack's first user, from one USER_PASSWORD_AUTH InitiateAuth."""
    user = stack["users"][0]
    return cognito.initiate_auth(
        ClientId=stack["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user["username"], "PASSWORD": user["password"]},
    )["AuthenticationResult"]["IdToken"]
