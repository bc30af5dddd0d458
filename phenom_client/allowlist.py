"""The mobile app's operations as Hasura's allow-list: one query collection holding phenom_client/documents/*.graphql
as the client sends them, allowed for every role. Production runs Hasura with HASURA_GRAPHQL_ENABLE_ALLOWLIST=true,
so no other operation runs for a signed-in user (admin requests, the Lambdas' own, are exempt); this bounds what a
user can make the engine do (aliased deep selections, large batches).

hasura/metadata/query_collections.yaml and allow_list.yaml are what `python -m phenom_client.allowlist` writes; a
contract test checks they match the documents, so change a document, then run it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from phenom_client.documents import DOCUMENTS_DIR

COLLECTION = "phenom-app"
METADATA_DIR = Path(__file__).resolve().parents[1] / "hasura" / "metadata"


def query_collections(documents_dir: Path = DOCUMENTS_DIR) -> list[dict]:
    """The query_collections metadata: the collection of every client document, named by its operation."""
    queries = [
        {"name": path.stem, "query": path.read_text(encoding="utf-8")}
        for path in sorted(documents_dir.glob("*.graphql"))
    ]
    return [{"name": COLLECTION, "definition": {"queries": queries}}]


def allow_list() -> list[dict]:
    """The allowlist metadata: the collection, for every role."""
    return [{"collection": COLLECTION, "scope": {"global": True}}]


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings (the documents) as `|` blocks, readable as the .graphql files are."""


_BlockDumper.add_representer(
    str,
    lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None),
)


def metadata_files() -> dict[str, str]:
    """hasura/metadata file name -> its YAML text."""
    contents = {"query_collections.yaml": query_collections(), "allow_list.yaml": allow_list()}
    return {name: yaml.dump(content, Dumper=_BlockDumper, sort_keys=False) for name, content in contents.items()}


def main() -> int:
    for name, text in metadata_files().items():
        (METADATA_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote hasura/metadata/{name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
