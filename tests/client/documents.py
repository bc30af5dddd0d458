"""The GraphQL documents the client sends, read from tests/client/documents/ so the contract suite can validate them."""

from __future__ import annotations

from pathlib import Path

from gql import GraphQLRequest, gql

DOCUMENTS_DIR = Path(__file__).resolve().parent / "documents"


def load_document(operation: str) -> GraphQLRequest:
    """The parsed document in documents/<operation>.graphql."""
    return gql((DOCUMENTS_DIR / f"{operation}.graphql").read_text(encoding="utf-8"))


CREATE_PHENOM = load_document("createPhenom")
GET_PHENOMS = load_document("getPhenoms")
DELETE_PHENOM = load_document("deletePhenom")
