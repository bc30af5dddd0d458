"""Fixtures of the Terraform contracts: the environments' root modules and the stack module each one calls."""

from __future__ import annotations

import pytest

from phenom_infra.instances import ModuleInstance, environment, stack


@pytest.fixture(scope="session")
def production_root() -> ModuleInstance:
    """The production root module (backend, provider, outputs), variables at their defaults."""
    return environment("production")


@pytest.fixture(scope="session")
def production() -> ModuleInstance:
    """Production's stack: modules/phenom_stack with the arguments the production root passes."""
    return stack("production")


@pytest.fixture(scope="session")
def development_root() -> ModuleInstance:
    """The development root module (backend, provider, outputs), variables at their defaults."""
    return environment("development")


@pytest.fixture(scope="session")
def development() -> ModuleInstance:
    """Development's stack: modules/phenom_stack with the arguments the development root passes."""
    return stack("development")


@pytest.fixture(scope="session")
def graphql_container(production: ModuleInstance) -> dict:
    """The graphql container definition of the production task definition."""
    return production.module("graphql").local("graphql_container")
