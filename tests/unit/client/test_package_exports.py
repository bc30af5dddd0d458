"""The package's public names, imported on first use from the submodule that defines them, and its errors' shape."""

from __future__ import annotations

import importlib

import pytest

import phenom_client
from phenom_client import errors

pytestmark = pytest.mark.unit

# One public name of each submodule the package imports on first use.
SUBMODULE_OF = {
    "PhenomClient": "client",
    "PASSWORD_VARIABLE": "credentials",
    "load_environment": "environments",
    "SignInFailed": "errors",
    "Attempt": "retry",
    "Timeouts": "timeouts",
}


def test_the_public_names_are_listed_in_order_and_each_resolves():
    assert set(SUBMODULE_OF) < set(phenom_client.__all__)
    assert phenom_client.__all__ == sorted(phenom_client.__all__)
    assert all(getattr(phenom_client, name) is not None for name in phenom_client.__all__)


@pytest.mark.parametrize(("name", "submodule"), sorted(SUBMODULE_OF.items()))
def test_a_public_name_is_the_submodules_own(name, submodule):
    assert getattr(phenom_client, name) is getattr(importlib.import_module(f"phenom_client.{submodule}"), name)


@pytest.mark.parametrize("name", ["PhenomClientErrors", "redact", "_SUBMODULE_OF_"])
def test_an_unknown_name_is_an_attribute_error_naming_it(name):
    with pytest.raises(AttributeError) as failure:
        getattr(phenom_client, name)
    assert str(failure.value) == f"module 'phenom_client' has no attribute {name!r}"


@pytest.mark.parametrize(
    "kind",
    [
        errors.ConfigurationError,
        errors.CredentialsUnavailable,
        errors.SignInFailed,
        errors.GraphQLRequestFailed,
        errors.TransferFailed,
    ],
)
def test_every_error_is_a_client_error_that_says_how_often_it_was_tried(kind):
    error = kind("Cognito refused sign in")
    assert isinstance(error, errors.PhenomClientError)
    assert (error.transient, error.unreached, error.attempts) == (False, False, 1)
    assert str(error) == "Cognito refused sign in"
    error.attempts = 3
    assert str(error) == "Cognito refused sign in (gave up after 3 attempts)"


def test_an_error_keeps_whether_it_is_transient_and_whether_the_server_was_reached():
    assert (errors.SignInFailed("x", transient=True).transient, errors.SignInFailed("x", unreached=True).unreached) == (
        True,
        True,
    )


def test_a_graphql_error_keeps_hasuras_code():
    error = errors.GraphQLRequestFailed("not allowed", code="validation-failed", transient=True, unreached=True)
    assert (error.code, error.transient, error.unreached, str(error)) == (
        "validation-failed",
        True,
        True,
        "not allowed",
    )
    assert errors.GraphQLRequestFailed("no code").code is None


def test_a_transfer_error_keeps_the_http_status():
    error = errors.TransferFailed("PUT returned 403 SignatureDoesNotMatch", status=403, transient=True, unreached=True)
    assert (error.status, error.transient, error.unreached, str(error)) == (
        403,
        True,
        True,
        "PUT returned 403 SignatureDoesNotMatch",
    )
    assert errors.TransferFailed("no answer").status is None
