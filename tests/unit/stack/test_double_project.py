"""hasura_project reads the CLI v3 project like the Hasura CLI: includes, actions build, migrations order."""

from __future__ import annotations

from pathlib import Path

import pytest

from phenom_stack.errors import StackError
from phenom_stack.hasura_project import HasuraProjectError, metadata_json, migrations, register_sources
from tests.kit.loopback_http import LoopbackServer, Reply

pytestmark = pytest.mark.unit

PROJECT_DIR = Path(__file__).resolve().parents[3] / "hasura"

# What `hasura metadata apply` sends for createPhenom (HGE cli/internal/metadataobject/actions/testdata shape).
EXPECTED_CREATE_PHENOM = {
    "name": "createPhenom",
    "definition": {
        "kind": "synchronous",
        "type": "mutation",
        "handler": "{{HASURA_ACTION_PHENOM_URL}}",
        "arguments": [{"name": "input", "type": "CreatePhenomInput!", "description": None}],
        "output_type": "CreatePhenomOutput!",
        "forward_client_headers": True,
    },
    "permissions": [{"role": "user"}],
    "comment": "create a sighting and presign its uploads",
}
EXPECTED_INPUT = {
    "name": "CreatePhenomInput",
    "fields": [
        {"name": "lat", "type": "Float!", "description": None},
        {"name": "lng", "type": "Float!", "description": None},
        {"name": "filenames", "type": "[String!]!", "description": None},
        {"name": "media_type", "type": "String!", "description": None},
    ],
}


# The files every CLI v3 project with a metadata directory has.
METADATA_PROJECT = {"config.yaml": "version: 3\n", "metadata/version.yaml": "version: 3\n"}


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_actions_are_built_like_the_cli():
    metadata = metadata_json(PROJECT_DIR)
    assert metadata["actions"][0] == EXPECTED_CREATE_PHENOM
    assert metadata["custom_types"]["input_objects"] == [EXPECTED_INPUT]
    get_phenoms = next(action for action in metadata["actions"] if action["name"] == "getPhenoms")
    assert (get_phenoms["definition"]["type"], get_phenoms["definition"]["output_type"]) == ("query", "[Phenom!]!")


def test_project_metadata_has_the_tables_and_no_empty_sections():
    metadata = metadata_json(PROJECT_DIR)
    [source] = metadata["sources"]
    assert {table["table"]["name"] for table in source["tables"]} == {
        "users",
        "phenoms",
        "phenom_media",
        "chat_members",
    }
    assert "cron_triggers" not in metadata and metadata["version"] == 3


def test_includes_resolve_relative_to_the_including_file(tmp_path):
    project = _write(
        tmp_path,
        {
            **METADATA_PROJECT,
            "metadata/databases/databases.yaml": '- name: default\n  tables: "!include default/tables/tables.yaml"\n',
            "metadata/databases/default/tables/tables.yaml": '- "!include public_a.yaml"\n- !include public_b.yaml\n',
            "metadata/databases/default/tables/public_a.yaml": "table: {name: a, schema: public}\n",
            "metadata/databases/default/tables/public_b.yaml": "table: {name: b, schema: public}\n",
        },
    )
    tables = metadata_json(project)["sources"][0]["tables"]
    assert tables == [{"table": {"name": "a", "schema": "public"}}, {"table": {"name": "b", "schema": "public"}}]


def test_missing_include_names_the_file(tmp_path):
    project = _write(
        tmp_path,
        {
            **METADATA_PROJECT,
            "metadata/databases/databases.yaml": '- name: default\n  tables: "!include nowhere.yaml"\n',
        },
    )
    with pytest.raises(HasuraProjectError, match="nowhere.yaml"):
        metadata_json(project)


def test_action_missing_from_the_sdl_is_an_error(tmp_path):
    project = _write(
        tmp_path,
        {
            **METADATA_PROJECT,
            "metadata/databases/databases.yaml": "[]\n",
            "metadata/actions.yaml": "actions:\n- name: ghost\n  definition: {kind: synchronous, handler: h}\n",
            "metadata/actions.graphql": "type Query { other: Int }\n",
        },
    )
    with pytest.raises(HasuraProjectError, match="ghost"):
        metadata_json(project)


def test_migrations_are_ordered_by_version(tmp_path):
    project = _write(
        tmp_path,
        {
            "config.yaml": "version: 3\nmigrations_directory: migs\n",
            "migs/default/20_second/up.sql": "select 2;",
            "migs/default/3_first/up.sql": "select 1;",
            "migs/default/3_first/down.sql": "select -1;",
        },
    )
    found = migrations(project)
    assert [(m.version, m.name, m.up_sql, m.down_sql) for m in found] == [
        (3, "first", "select 1;", "select -1;"),
        (20, "second", "select 2;", None),
    ]


def test_project_migrations_unpack_as_tuples():
    version, name, up_sql, down_sql = migrations(PROJECT_DIR)[0]
    assert (version > 0, name) == (True, "init")
    assert "CREATE TABLE public.users" in up_sql and "DROP TABLE public.users" in down_sql


def test_register_sources_sends_the_sources_without_tables_and_reports_a_refusal_as_a_stack_error():
    metadata = {"version": 3, "sources": [{"name": "default", "kind": "postgres", "tables": [{"table": "users"}]}]}
    with LoopbackServer() as server:
        server.queue("POST", "/v1/metadata", Reply(200, {"message": "success"}), Reply(400, {"error": "refused"}))
        register_sources(f"{server.url}/v1/metadata", "admin-secret-for-test", metadata)
        with pytest.raises(StackError, match="registering the database sources failed with HTTP 400"):
            register_sources(f"{server.url}/v1/metadata", "admin-secret-for-test", metadata)
        sent = server.requests[0].json()
    assert sent["type"] == "replace_metadata"
    assert sent["args"]["metadata"]["sources"] == [{"name": "default", "kind": "postgres", "tables": []}]
