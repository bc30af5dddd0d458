"""Execute a validated operation: each table root field is one SQL statement, mutations share one transaction."""

from __future__ import annotations

import dataclasses
import json
from contextlib import nullcontext
from typing import Any

import psycopg
from graphql import execute as graphql_execute
from graphql.language import DocumentNode, OperationDefinitionNode, OperationType, SelectionSetNode

from phenom_stack.double.actions import ActionCaller
from phenom_stack.double.auth import Session
from phenom_stack.double.collect import Selected, Walk, arguments, collect, subfields
from phenom_stack.double.encoding import compact
from phenom_stack.double.errors import HasuraError, from_postgres, not_served
from phenom_stack.double.mutation_compile import (
    CHECK_FAILED,
    Statement,
    delete_statement,
    insert_statement,
    update_statement,
)
from phenom_stack.double.naming import qualified, quote_ident
from phenom_stack.double.nested_insert import NestedInsert, has_nested_data
from phenom_stack.double.request import DOCUMENT_CACHE_SIZE, Operation
from phenom_stack.double.schema import MUTATION_ROOT, QUERY_ROOT, RoleSchema
from phenom_stack.double.select_compile import list_json, permission_filter, root_select, row_json
from phenom_stack.double.sql_context import SqlContext

INTROSPECTION_FIELDS = ("__schema", "__type")
MUTATION_STATEMENTS = {
    "insert": insert_statement,
    "insert_one": insert_statement,
    "update": update_statement,
    "update_by_pk": update_statement,
    "delete": delete_statement,
    "delete_by_pk": delete_statement,
}


class RawJson(str):
    """JSON text produced by Postgres, embedded in the response without re-encoding."""


@dataclasses.dataclass(eq=False)
class Execution:
    """One operation of one request, run against the engine state and the source database."""

    state: Any
    pool: Any
    role_schema: RoleSchema
    session: Session
    operation: Operation
    raw_variables: dict
    client_headers: list[tuple[str, str]]
    walk: Walk = dataclasses.field(init=False)
    actions: ActionCaller = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.walk = Walk(self.operation.fragments, self.operation.variables)
        self.actions = ActionCaller(
            self.state.custom_types,
            self.session.variables,
            self.client_headers,
            self.operation.query_text,
            self._relate,
        )

    def new_context(self) -> SqlContext:
        return SqlContext(self.role_schema, self.state.tables, self.walk, self.session.variables)

    def run(self) -> str:
        """The response body (`{"data": ...}`) or raise the HasuraError the request fails with."""
        root = MUTATION_ROOT if self.operation.is_mutation else QUERY_ROOT
        fields = collect(self.walk, [self.operation.operation.selection_set], root)
        root_type = self.role_schema.schema.get_type(root)
        results = self._introspection(fields)
        for field in fields:
            if field.name == "__typename":
                results[field.key] = root
        pending = [field for field in fields if field.key not in results]
        database = [field for field in pending if self._root(field).kind != "action"]
        if self.operation.is_mutation and database:
            # Every field of a mutation, in order, inside one transaction (Hasura's semantics).
            with self.pool.connection() as connection, connection.transaction():
                for field in pending:
                    results[field.key] = self._field(connection, root_type.fields[field.name], field)
        else:
            # Action calls hold no database connection: their handlers may call back into the engine.
            for field in pending:
                if field not in database:
                    results[field.key] = self._field(None, root_type.fields[field.name], field)
            if database:
                with self.pool.connection() as connection, _snapshot(connection, len(database)):
                    for field in database:
                        results[field.key] = self._field(connection, root_type.fields[field.name], field)
        body = ",".join(f"{compact(field.key)}:{_encode(results[field.key])}" for field in fields)
        return '{"data":{' + body + "}}"

    def _relate(self, type_name: str, relationship, value: dict, selected: Selected):
        """An action output's relationship field: the remote table's rows matching the output's fields."""
        access = self.role_schema.tables_by_key[relationship.remote]
        keys = [value.get(field) for field, _ in relationship.mapping]
        if any(key is None for key in keys):
            return None if relationship.kind == "object" else []
        ctx = self.new_context()
        alias = ctx.alias()
        columns = access.tracked.table.columns
        join = " AND ".join(
            f"{alias}.{quote_ident(column)} = {ctx.param(key, columns[column].sql_type)}"
            for (_, column), key in zip(relationship.mapping, keys, strict=True)
        )
        fields = subfields(self.walk, selected, access.type_name)
        if relationship.kind == "object":
            sql = (
                f"(SELECT {row_json(ctx, access, alias, fields)} FROM {qualified(*access.tracked.key)} AS {alias} "
                f"WHERE {join} AND {permission_filter(ctx, access, alias)} LIMIT 1)"
            )
        else:
            field_def = self.role_schema.schema.get_type(type_name).fields[relationship.name]
            sql = list_json(ctx, access, alias, fields, arguments(self.walk, field_def, selected), join)
        with self.pool.connection() as connection:
            text = self._fetch(connection, f"SELECT {sql}::text", ctx.params, "$")[0]
        return None if text is None else json.loads(text)

    def _root(self, field: Selected):
        root = MUTATION_ROOT if self.operation.is_mutation else QUERY_ROOT
        found = self.role_schema.root_fields.get((root, field.name))
        if found is None:
            raise not_served(field.name)
        return found

    def _field(self, connection, field_def, field: Selected):
        root = self._root(field)
        if root.kind == "action":
            return self.actions.call(self.walk, root.action, field, arguments(self.walk, field_def, field))
        if root.kind.startswith("select"):
            ctx = self.new_context()
            sql = root_select(ctx, root.table, root.kind, field, field_def)
            return self._fetch(connection, f"SELECT {sql}::text", ctx.params, "$")[0]
        return self._mutation_field(connection, root, field_def, field)

    def _mutation_field(self, connection, root, field_def, field: Selected):
        args = arguments(self.walk, field_def, field)
        if root.kind.startswith("insert") and has_nested_data(root.table, args):
            nested = NestedInsert(self.new_context, root.table, root.kind, field, args)
            try:
                with connection.cursor() as cursor:
                    return RawJson(nested.run(cursor))
            except psycopg.Error as error:
                raise from_postgres(error, nested.error_path) from None
        statement: Statement = MUTATION_STATEMENTS[root.kind](self.new_context(), root.table, root.kind, field, args)
        text, check_passed = self._fetch(connection, statement.sql, statement.params, statement.error_path)
        if check_passed is False:
            raise HasuraError("permission-error", CHECK_FAILED, statement.error_path)
        return text

    def _fetch(self, connection, sql: str, params: dict, error_path: str):
        try:
            row = connection.execute(sql, params).fetchone()
        except psycopg.Error as error:
            raise from_postgres(error, error_path, sql) from None
        return (RawJson(row[0]) if row[0] is not None else None,) + tuple(row[1:])

    def _introspection(self, fields: list[Selected]) -> dict:
        nodes = [node for field in fields if field.name in INTROSPECTION_FIELDS for node in field.nodes]
        if not nodes:
            return {}
        operation = OperationDefinitionNode(
            operation=OperationType.QUERY,
            selection_set=SelectionSetNode(selections=tuple(nodes)),
            variable_definitions=self.operation.operation.variable_definitions or (),
            directives=(),
        )
        name = self.operation.operation.name
        key = (self.operation.query_text, name.value if name else None, compact(self.raw_variables))
        # A role's introspection changes only with its schema (a new RoleSchema), and graphql-core takes ~50 ms to
        # walk this one: clients (the smoke run's drift check, the schema snapshots) ask the same question again.
        data = self.role_schema.introspections.get(key)
        if data is None:
            document = DocumentNode(definitions=(operation, *self.operation.fragments.values()))
            result = graphql_execute(self.role_schema.schema, document, variable_values=self.raw_variables)
            if result.errors:
                raise HasuraError("validation-failed", result.errors[0].message)
            if len(self.role_schema.introspections) >= DOCUMENT_CACHE_SIZE:
                self.role_schema.introspections.clear()
            data = self.role_schema.introspections[key] = result.data
        return {field.key: data[field.key] for field in fields if field.name in INTROSPECTION_FIELDS}


def _snapshot(connection, statements: int):
    """One transaction (one snapshot) when a query reads more than once, else plain autocommit."""
    return connection.transaction() if statements > 1 else nullcontext()


def _encode(value) -> str:
    if isinstance(value, RawJson):
        return str(value)
    return compact(value)
