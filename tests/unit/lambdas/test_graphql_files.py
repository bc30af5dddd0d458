"""Every static document the Lambdas send parses and holds one named operation (the schema check is a contract test)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse

import lambdas

pytestmark = pytest.mark.unit

DOCUMENTS = sorted(Path(lambdas.__file__).parent.rglob("*.graphql"))


def test_documents_exist():
    assert len(DOCUMENTS) >= 7


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_document_is_one_named_operation(path):
    definitions = parse(path.read_text(encoding="utf-8")).definitions
    assert len(definitions) == 1
    assert isinstance(definitions[0], OperationDefinitionNode) and definitions[0].name is not None
