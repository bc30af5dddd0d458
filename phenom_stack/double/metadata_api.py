"""`POST /v1/metadata`: replace, export, reload, inspect and clear the metadata."""

from __future__ import annotations

import contextlib
import threading

from phenom_stack.double.access import ADMIN_ROLE
from phenom_stack.double.errors import HasuraError
from phenom_stack.double.metadata_commands import handle_command, handles
from phenom_stack.double.state import EMPTY_METADATA

SUCCESS = {"message": "success"}


def _inconsistency_error(objects: list[dict], message: str = "cannot continue due to inconsistent metadata"):
    return HasuraError("unexpected", message, "$.args", internal=objects)


def _replace(engine, args: dict, version: int) -> dict:
    if version >= 2 or "metadata" in args:
        metadata = args.get("metadata")
        allow_inconsistent = bool(args.get("allow_inconsistent_metadata", False))
    else:
        metadata, allow_inconsistent = args, False
    if not isinstance(metadata, dict):
        raise HasuraError("parse-failed", "expecting an object for metadata", "$.args.metadata")
    try:
        state = engine.build(metadata)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise HasuraError("parse-failed", f"the metadata could not be parsed: {error!r}", "$.args.metadata") from None
    if state.inconsistent and not allow_inconsistent:
        raise _inconsistency_error(state.inconsistent)
    engine.state = state
    engine.resource_version += 1
    _build_admin_schema_meanwhile(state)
    if version >= 2:
        return {"is_consistent": not state.inconsistent, "inconsistent_objects": state.inconsistent}
    return SUCCESS


def _build_admin_schema_meanwhile(state) -> None:
    # Hasura has its schemas built once the metadata is replaced; the double builds a role's on first use, and the
    # admin's (the Lambdas' role) is built at once on a thread of its own, so a first admin request, the stack's first
    # user sync among them, does not wait for it and the reply to this request does not either.
    threading.Thread(target=_admin_schema, args=(state,), name="double-admin-schema", daemon=True).start()


def _admin_schema(state) -> None:
    # A schema that fails to build is built again by the request that needs it, which answers with the error.
    with contextlib.suppress(Exception):
        state.schemas.get(ADMIN_ROLE)


def _export(engine, args: dict, version: int) -> dict:
    metadata = engine.state.metadata
    return {"resource_version": engine.resource_version, "metadata": metadata} if version >= 2 else metadata


def _reload(engine, args: dict, version: int) -> dict:
    engine.state = engine.build(engine.state.metadata)
    response = {"is_consistent": not engine.state.inconsistent, "message": "success"}
    if engine.state.inconsistent:
        response["inconsistent_objects"] = engine.state.inconsistent
    return response


def _inconsistent(engine, args: dict, version: int) -> dict:
    return {"is_consistent": not engine.state.inconsistent, "inconsistent_objects": engine.state.inconsistent}


def _clear(engine, args: dict, version: int) -> dict:
    engine.state = engine.build(dict(EMPTY_METADATA), catalog={})
    engine.resource_version += 1
    return SUCCESS


COMMANDS = {
    "replace_metadata": _replace,
    "export_metadata": _export,
    "reload_metadata": _reload,
    "get_inconsistent_metadata": _inconsistent,
    "clear_metadata": _clear,
}


def handle_metadata(engine, body) -> dict | list:
    """The result of one metadata command (or a `bulk` of them); raises HasuraError."""
    if not isinstance(body, dict) or "type" not in body:
        raise HasuraError("parse-failed", 'key "type" not found', "$")
    if body["type"] == "bulk":
        return [handle_metadata(engine, item) for item in body.get("args") or []]
    command = COMMANDS.get(body["type"])
    if command is None and handles(body["type"]):
        return handle_command(engine, body)
    if command is None:
        raise HasuraError(
            "not-supported", f"the engine double does not support the metadata command {body['type']!r}", "$.type"
        )
    with engine.metadata_lock:
        expected = body.get("resource_version")
        if expected is not None and expected != engine.resource_version:
            raise HasuraError(
                "conflict",
                f"metadata resource version referenced ({expected}) did not match current version",
                "$",
                status=409,
            )
        return command(engine, body.get("args") or {}, int(body.get("version", 1)))
