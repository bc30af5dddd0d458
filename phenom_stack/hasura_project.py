"""Read the Hasura CLI v3 project in hasura/ the way the CLI does, and apply it to an engine over HTTP.

`migrations()` lists the SQL migrations in version order; `metadata_json()` builds the single JSON object
that `replace_metadata` accepts: `!include` resolved relative to the including file, and actions.yaml merged
with actions.graphql into `actions[].definition` and `custom_types` exactly like `hasura metadata apply`
builds them. `register_sources()`, `apply_migrations()` and `apply_metadata()` send them to a real engine or to
the engine double.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import requests
import yaml
from graphql import parse as parse_graphql
from graphql import print_ast
from graphql.language import ast as gql_ast

from phenom_stack.errors import StackError

INCLUDE_PREFIX = "!include "
DEFAULT_DATABASE = "default"
HTTP_TIMEOUT_SECONDS = 60

# metadata/<file> -> key of the metadata object; empty files are left out as the CLI leaves them out.
OPTIONAL_METADATA_FILES = (
    ("allow_list.yaml", "allowlist"),
    ("api_limits.yaml", "api_limits"),
    ("backend_configs.yaml", "backend_configs"),
    ("cron_triggers.yaml", "cron_triggers"),
    ("graphql_schema_introspection.yaml", "graphql_schema_introspection"),
    ("inherited_roles.yaml", "inherited_roles"),
    ("metrics_config.yaml", "metrics_config"),
    ("network.yaml", "network"),
    ("opentelemetry.yaml", "opentelemetry"),
    ("query_collections.yaml", "query_collections"),
    ("remote_schemas.yaml", "remote_schemas"),
    ("rest_endpoints.yaml", "rest_endpoints"),
)


class HasuraProjectError(StackError):
    """The hasura/ project cannot be read or applied; the message names the file or the engine's answer."""


class Migration(NamedTuple):
    """One `migrations/<database>/<version>_<name>/` directory: (version, name, up_sql, down_sql)."""

    version: int
    name: str
    up_sql: str
    down_sql: str | None


def _config(project_dir: Path) -> dict:
    config_path = project_dir / "config.yaml"
    if not config_path.is_file():
        raise HasuraProjectError(
            f"{config_path} not found: pass the Hasura CLI project directory (the one with config.yaml)"
        )
    return yaml.safe_load(config_path.read_text()) or {}


def migrations(project_dir: Path | str, database: str = DEFAULT_DATABASE) -> list[Migration]:
    """The project's migrations for `database`, oldest first, like `hasura migrate apply` runs them."""
    project_dir = Path(project_dir)
    root = project_dir / _config(project_dir).get("migrations_directory", "migrations") / database
    found = []
    for directory in sorted(path for path in root.iterdir() if path.is_dir()) if root.is_dir() else []:
        version, _, name = directory.name.partition("_")
        if not version.isdigit():
            raise HasuraProjectError(f"{directory}: a migration directory is named <numeric version>_<name>")
        up_path, down_path = directory / "up.sql", directory / "down.sql"
        if not up_path.is_file():
            raise HasuraProjectError(f"{directory} has no up.sql")
        down_sql = down_path.read_text() if down_path.is_file() else None
        found.append(Migration(int(version), name, up_path.read_text(), down_sql))
    return sorted(found, key=lambda migration: migration.version)


class _IncludeLoader(yaml.SafeLoader):
    """SafeLoader that also reads an unquoted `!include file.yaml` tag as the quoted form the CLI writes."""


_IncludeLoader.add_constructor("!include", lambda loader, node: INCLUDE_PREFIX + loader.construct_scalar(node))


def _load_yaml(path: Path):
    if not path.is_file():
        raise HasuraProjectError(f"{path} not found (referenced by the metadata directory)")
    return _resolve_includes(yaml.load(path.read_text(), Loader=_IncludeLoader), path.parent)


def _resolve_includes(value, base_dir: Path):
    if isinstance(value, str) and value.startswith(INCLUDE_PREFIX):
        return _load_yaml(base_dir / value[len(INCLUDE_PREFIX) :].strip())
    if isinstance(value, list):
        return [_resolve_includes(item, base_dir) for item in value]
    if isinstance(value, dict):
        return {key: _resolve_includes(item, base_dir) for key, item in value.items()}
    return value


def metadata_json(project_dir: Path | str) -> dict:
    """The project's metadata as the one JSON object `replace_metadata` takes (what the CLI sends)."""
    project_dir = Path(project_dir)
    metadata_dir = project_dir / _config(project_dir).get("metadata_directory", "metadata")
    version = (_load_yaml(metadata_dir / "version.yaml") or {}).get("version", 3)
    metadata: dict = {"version": version, "sources": _load_yaml(metadata_dir / "databases" / "databases.yaml") or []}
    metadata.update(_actions_metadata(metadata_dir))
    for file_name, key in OPTIONAL_METADATA_FILES:
        path = metadata_dir / file_name
        if path.is_file():
            value = _load_yaml(path)
            if value:
                metadata[key] = value
    return metadata


def _actions_metadata(metadata_dir: Path) -> dict:
    yaml_path, sdl_path = metadata_dir / "actions.yaml", metadata_dir / "actions.graphql"
    if not yaml_path.is_file():
        return {}
    configured = _load_yaml(yaml_path) or {}
    sdl = sdl_path.read_text() if sdl_path.is_file() else ""
    actions, types = _actions_from_sdl(sdl, sdl_path)
    by_name = {action["name"]: action for action in actions}
    for action in configured.get("actions") or []:
        if action["name"] not in by_name:
            raise HasuraProjectError(f"action {action['name']} is not present in {sdl_path}")
        _merge_action(by_name[action["name"]], action)
    for kind in ("enums", "input_objects", "objects", "scalars"):
        by_type_name = {custom["name"]: custom for custom in types[kind]}
        for custom in (configured.get("custom_types") or {}).get(kind) or []:
            if custom["name"] not in by_type_name:
                raise HasuraProjectError(f"custom type {custom['name']} is not present in {sdl_path}")
            for key in ("description", "relationships"):
                if custom.get(key) is not None:
                    by_type_name[custom["name"]][key] = custom[key]
    result: dict = {}
    if actions:
        result["actions"] = actions
    if any(types.values()):
        result["custom_types"] = types
    return result


def _merge_action(built: dict, configured: dict) -> None:
    # The CLI takes everything but the signature (arguments, output type, query/mutation) from actions.yaml.
    definition = configured.get("definition") or {}
    built["definition"]["kind"] = definition.get("kind", "")
    built["definition"]["handler"] = definition.get("handler", "")
    for key in ("forward_client_headers", "headers", "timeout", "request_transform", "response_transform"):
        if definition.get(key):
            built["definition"][key] = definition[key]
    if configured.get("permissions"):
        built["permissions"] = configured["permissions"]
    if configured.get("comment") is not None:
        built["comment"] = configured["comment"]


def _description(node) -> str | None:
    return node.description.value if getattr(node, "description", None) else None


def _actions_from_sdl(sdl: str, sdl_path: Path) -> tuple[list[dict], dict]:
    types: dict = {"enums": [], "input_objects": [], "objects": [], "scalars": []}
    actions: list[dict] = []
    if not sdl.strip():
        return actions, types
    try:
        document = parse_graphql(sdl)
    except Exception as error:
        raise HasuraProjectError(f"{sdl_path} is not valid GraphQL SDL: {error}") from error
    for node in document.definitions:
        name = node.name.value
        if isinstance(node, (gql_ast.ObjectTypeDefinitionNode, gql_ast.ObjectTypeExtensionNode)) and name in (
            "Query",
            "Mutation",
        ):
            actions.extend(_action_entry(field, name.lower()) for field in node.fields)
        elif isinstance(node, gql_ast.ObjectTypeDefinitionNode):
            types["objects"].append({"name": name, "fields": [_field_entry(field) for field in node.fields]})
        elif isinstance(node, gql_ast.InputObjectTypeDefinitionNode):
            types["input_objects"].append({"name": name, "fields": [_field_entry(field) for field in node.fields]})
        elif isinstance(node, gql_ast.EnumTypeDefinitionNode):
            values = [{"value": value.name.value, "description": _description(value)} for value in node.values]
            types["enums"].append({"name": name, "values": values})
        elif isinstance(node, gql_ast.ScalarTypeDefinitionNode):
            types["scalars"].append({"name": name})
    return actions, types


def _field_entry(node) -> dict:
    return {"name": node.name.value, "type": print_ast(node.type), "description": _description(node)}


def _action_entry(field, operation: str) -> dict:
    return {
        "name": field.name.value,
        "definition": {
            "kind": "",
            "type": operation,
            "handler": "",
            "arguments": [_field_entry(argument) for argument in field.arguments or ()],
            "output_type": print_ast(field.type),
        },
    }


def run_sql_body(sql: str, source: str = DEFAULT_DATABASE) -> dict:
    """The `/v2/query` body that runs `sql` like the CLI runs a migration."""
    return {"type": "run_sql", "args": {"source": source, "sql": sql, "cascade": False, "read_only": False}}


def replace_metadata_body(metadata: dict, allow_inconsistent_metadata: bool = False) -> dict:
    """The `/v1/metadata` body that replaces the engine's metadata with `metadata`."""
    return {
        "type": "replace_metadata",
        "version": 2,
        "args": {"allow_inconsistent_metadata": allow_inconsistent_metadata, "metadata": metadata},
    }


def _post(url: str, admin_secret: str, body: dict, what: str) -> dict:
    response = requests.post(
        url, json=body, headers={"X-Hasura-Admin-Secret": admin_secret}, timeout=HTTP_TIMEOUT_SECONDS
    )
    if response.status_code != 200:
        raise HasuraProjectError(f"{what} failed with HTTP {response.status_code}: {response.text[:2000]}")
    return response.json()


def recorded_user_ids(graphql_url: str, admin_secret: str) -> set[str]:
    """The ids in the users table, read through the engine as admin."""
    answer = _post(graphql_url, admin_secret, {"query": "{ users { id } }"}, "reading the users table")
    if "errors" in answer:
        raise HasuraProjectError(f"reading the users table was refused: {answer['errors'][0].get('message')}")
    return {row["id"] for row in answer["data"]["users"]}


def apply_migrations(query_url: str, admin_secret: str, project_dir: Path | str) -> list[int]:
    """Run every up.sql through `/v2/query` run_sql in version order; return the versions applied."""
    applied = []
    for migration in migrations(project_dir):
        what = f"migration {migration.version}_{migration.name}"
        _post(query_url, admin_secret, run_sql_body(migration.up_sql), what)
        applied.append(migration.version)
    return applied


def register_sources(metadata_url: str, admin_secret: str, metadata: dict) -> None:
    """Give a fresh engine the metadata's database sources, without tables, so migrations can run on them.

    Production's engine has had its `default` source all along; a new one has none until metadata names it, and
    the graphql container's environment (no HASURA_GRAPHQL_DATABASE_URL) adds none by itself.
    """
    sources_only = {
        "version": metadata["version"],
        "sources": [{**source, "tables": []} for source in metadata.get("sources", [])],
    }
    _post(metadata_url, admin_secret, replace_metadata_body(sources_only), "registering the database sources")


def apply_metadata(metadata_url: str, admin_secret: str, metadata: dict) -> dict:
    """replace_metadata with `metadata` (from metadata_json; inconsistency refused); return the engine's answer."""
    return _post(metadata_url, admin_secret, replace_metadata_body(metadata), "replace_metadata")
