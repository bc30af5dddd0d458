"""Signing the stack's users in: real Cognito tokens from moto, as the app client gets them."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jwt
import psycopg


@dataclass(frozen=True)
class SignedInUser:
    """A stack user after USER_PASSWORD_AUTH: the Cognito sub and both tokens moto issued."""

    username: str
    sub: str
    id_token: str = field(repr=False)
    access_token: str = field(repr=False)


class SignInError(Exception):
    """A stack user could not sign in; the stack's users or app client are not what the suite expects."""


def unverified_claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def sign_in(cognito_client, client_id: str, username: str, password: str) -> SignedInUser:
    """Sign a user in with USER_PASSWORD_AUTH (the flow the app client allows) and keep both tokens."""
    reply = cognito_client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    result = reply.get("AuthenticationResult")
    if not result:
        raise SignInError(
            f"sign-in of {username} returned challenge {reply.get('ChallengeName')!r} instead of tokens; "
            "the stack must create its users CONFIRMED with a permanent password"
        )
    id_token, access_token = result["IdToken"], result["AccessToken"]
    return SignedInUser(username, unverified_claims(id_token)["sub"], id_token, access_token)


def sign_in_stack_user(local_stack, cognito_client, index: int) -> SignedInUser:
    """The stack's user number `index`, signed in with the password the stack generated for it."""
    user = local_stack.users[index]
    return sign_in(cognito_client, local_stack.client_id, user.username, user.password)


@contextmanager
def new_user(local_stack, cognito_client, attributes: Mapping[str, str] | None = None) -> Iterator[SignedInUser]:
    """A new confirmed user of the stack's pool (email address from `attributes`, else a random one), signed in
    once, so post-authentication has recorded it; on exit the Cognito user and its users row are removed."""
    username = (attributes or {}).get("email") or f"contract-{uuid.uuid4().hex[:12]}@example.test"
    pool = local_stack.user_pool_id
    cognito_client.admin_create_user(
        UserPoolId=pool,
        Username=username,
        UserAttributes=[{"Name": name, "Value": value} for name, value in (attributes or {"email": username}).items()],
        MessageAction="SUPPRESS",
    )
    user = None
    try:
        # Random per run and never stored; the suffix meets the pool policy's character classes.
        password = secrets.token_urlsafe(18) + "Aa1!"
        cognito_client.admin_set_user_password(UserPoolId=pool, Username=username, Password=password, Permanent=True)
        user = sign_in(cognito_client, local_stack.client_id, username, password)
        yield user
    finally:
        cognito_client.admin_delete_user(UserPoolId=pool, Username=username)
        if user is not None:
            with psycopg.connect(local_stack.database_url, autocommit=True) as connection:
                connection.execute("DELETE FROM public.users WHERE id = %s", (user.sub,))
