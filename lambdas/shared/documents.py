"""Static GraphQL documents, kept as .graphql files next to the code that sends them."""

from __future__ import annotations

from pathlib import Path


def load_document(module_file: str, name: str) -> str:
    """The text of `graphql/<name>.graphql` in the directory of `module_file`."""
    return (Path(module_file).parent / "graphql" / f"{name}.graphql").read_text(encoding="utf-8")
