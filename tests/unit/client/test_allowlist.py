"""Hasura's allow-list written from the client's documents: the committed metadata files are what the documents make."""

from __future__ import annotations

import pytest
import yaml
from graphql import OperationDefinitionNode, parse

from phenom_client import allowlist
from phenom_client.allowlist import METADATA_DIR, allow_list, metadata_files, query_collections
from phenom_client.documents import DOCUMENTS_DIR, document_source

pytestmark = pytest.mark.unit

OPERATIONS = ("createPhenom", "deletePhenom", "getPhenoms")


def test_the_collection_is_the_clients_documents():
    # `python -m phenom_client.allowlist` writes these files; a changed document needs it run again.
    for name, text in metadata_files().items():
        assert (METADATA_DIR / name).read_text(encoding="utf-8") == text, "run python -m phenom_client.allowlist"
    queries = yaml.safe_load((METADATA_DIR / "query_collections.yaml").read_text())[0]["definition"]["queries"]
    assert {query["name"]: query["query"] for query in queries} == {name: document_source(name) for name in OPERATIONS}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_document_holds_the_one_operation_it_is_named_for(operation):
    [definition] = parse(document_source(operation)).definitions
    assert isinstance(definition, OperationDefinitionNode)
    assert definition.name.value == operation


def test_the_documents_are_ascii_so_any_locale_reads_them_alike():
    for path in DOCUMENTS_DIR.glob("*.graphql"):
        assert path.read_bytes().isascii(), path.name


def test_the_collection_holds_every_document_of_a_folder_by_name_in_order(tmp_path):
    (tmp_path / "b.graphql").write_text("query b { b }\n", encoding="utf-8")
    (tmp_path / "a.graphql").write_text("query a {\n  a\n}\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a document", encoding="utf-8")
    assert query_collections(tmp_path) == [
        {
            "name": "phenom-app",
            "definition": {
                "queries": [{"name": "a", "query": "query a {\n  a\n}\n"}, {"name": "b", "query": "query b { b }\n"}]
            },
        }
    ]


def test_the_collection_is_allowed_for_every_role():
    assert allow_list() == [{"collection": "phenom-app", "scope": {"global": True}}]


def test_running_the_module_writes_both_files_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(allowlist, "METADATA_DIR", tmp_path)
    assert allowlist.main() == 0
    assert {path.name: path.read_text(encoding="utf-8") for path in tmp_path.iterdir()} == metadata_files()
    assert capsys.readouterr().err == (
        "wrote hasura/metadata/query_collections.yaml\nwrote hasura/metadata/allow_list.yaml\n"
    )


def test_the_collection_reads_documents_as_utf_8_whatever_the_locale(tmp_path, c_locale):
    (tmp_path / "getPhenoms.graphql").write_bytes("# the caller’s sightings\nquery getPhenoms { id }\n".encode())
    [collection] = query_collections(tmp_path)
    assert collection["definition"]["queries"][0]["query"] == "# the caller’s sightings\nquery getPhenoms { id }\n"
