"""The GraphQL documents the client sends, in phenom_client/documents/ so the contract suite can validate them.

Standard library only: the bench's minimal round-trip reads the same files without gql."""

from __future__ import annotations

from pathlib import Path

DOCUMENTS_DIR = Path(__file__).resolve().parent / "documents"


def document_source(operation: str) -> str:
    """The text of documents/<operation>.graphql."""
    return (DOCUMENTS_DIR / f"{operation}.graphql").read_text(encoding="utf-8")
