"""`POST /v2/query` run_sql: SQL in one transaction, the last statement's result as text, metadata re-checked."""

from __future__ import annotations

import psycopg

from phenom_stack.double.catalog import read_catalog
from phenom_stack.double.errors import HasuraError, from_postgres
from phenom_stack.double.state import DEFAULT_SOURCE

NULL_TEXT = "NULL"


def _result(cursor) -> dict:
    while cursor.nextset():
        pass
    result = cursor.pgresult
    if result is None or result.nfields == 0:
        return {"result_type": "CommandOk", "result": None}
    header = [result.fname(column).decode() for column in range(result.nfields)]
    rows = [[_text(result.get_value(row, column)) for column in range(result.nfields)] for row in range(result.ntuples)]
    return {"result_type": "TuplesOk", "result": [header] + rows}


def _text(value: bytes | None) -> str:
    return NULL_TEXT if value is None else value.decode()


def _new_problems(old: list[dict], new: list[dict]) -> list[dict]:
    known = {(item["type"], item["name"]) for item in old}
    return [item for item in new if (item["type"], item["name"]) not in known]


def handle_run_sql(engine, body) -> dict:
    """The run_sql answer; raises HasuraError (400) for SQL errors or new metadata inconsistencies."""
    if not isinstance(body, dict) or body.get("type") != "run_sql":
        raise HasuraError("not-supported", "the engine double serves only run_sql on /v2/query", "$.type")
    args = body.get("args") or {}
    if not isinstance(args.get("sql"), str):
        raise HasuraError("parse-failed", 'key "sql" not found', "$.args")
    if args.get("source", DEFAULT_SOURCE) != DEFAULT_SOURCE:
        raise HasuraError("not-exists", f'source with name "{args["source"]}" does not exist', "$.args")
    with engine.metadata_lock:
        state = engine.state
        with engine.pool(state.source_url).connection() as connection:
            try:
                with connection.transaction():
                    if args.get("read_only"):
                        connection.execute("SET TRANSACTION READ ONLY")
                    with connection.cursor() as cursor:
                        cursor.execute(args["sql"].encode(), prepare=False)
                        answer = _result(cursor)
                    new_state = state
                    if not args.get("read_only"):
                        new_state = engine.build(state.metadata, read_catalog(connection))
                        problems = _new_problems(state.inconsistent, new_state.inconsistent)
                        if problems and not args.get("cascade"):
                            raise HasuraError(
                                "unexpected",
                                "cannot continue due to new inconsistent metadata",
                                "$.args",
                                internal=problems,
                            )
            except psycopg.Error as error:
                mapped = from_postgres(error, "$", args["sql"])
                if mapped.code == "unexpected":
                    mapped = HasuraError("postgres-error", "query execution failed", "$", internal=mapped.internal)
                raise mapped from None
        engine.state = new_state
    return answer
