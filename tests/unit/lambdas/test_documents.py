"""load_document reads the .graphql file beside the module that names it (called here, not at import, so that
mutation testing sees it run)."""

from __future__ import annotations

from pathlib import Path

import pytest

import lambdas.action_handler.delete_phenom as delete_module
from lambdas.shared.documents import load_document

pytestmark = pytest.mark.unit


def test_the_document_is_the_graphql_file_beside_the_module():
    expected = (Path(delete_module.__file__).parent / "graphql" / "delete_phenom.graphql").read_text(encoding="utf-8")
    assert load_document(delete_module.__file__, "delete_phenom") == expected
    assert "mutation DeletePhenom(" in expected


def test_a_missing_document_is_an_error_naming_its_path():
    with pytest.raises(FileNotFoundError, match=r"graphql/no_such_document\.graphql"):
        load_document(delete_module.__file__, "no_such_document")
