"""Turn a /v1/graphql body into a validated operation, with Hasura's messages for what it refuses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphql import (
    GraphQLError,
    GraphQLSyntaxError,
    NoUnusedFragmentsRule,
    NoUnusedVariablesRule,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.language import (
    SKIP,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    Visitor,
    visit,
)

from phenom_stack.double.errors import HasuraError, validation_failed
from phenom_stack.double.schema import RoleSchema

DOCUMENT_CACHE_SIZE = 512
# Hasura accepts unused fragments and variable definitions; it refuses only values for unused variables.
VALIDATION_RULES = [rule for rule in specified_rules if rule not in (NoUnusedFragmentsRule, NoUnusedVariablesRule)]
# graphql-core message -> Hasura message.
_VALIDATION_MESSAGES = {
    re.compile(pattern): template
    for pattern, template in (
        (r"Cannot query field '(\w+)' on type '(\w+)'", "field '{0}' not found in type: '{1}'"),
        (r"Unknown argument '(\w+)' on field '\w+\.(\w+)'", "'{1}' has no argument named '{0}'"),
        (
            r"Argument '\w+\.(\w+)\((\w+):\)' of type .* is required, but it was not provided",
            "missing required field '{1}'",
        ),
        (r"Field '(\w+)' of type .* must have a selection of subfields", "missing selection set for '{0}'"),
        (r"Field '(\w+)' must not have a selection since type", "unexpected subselection set for non-object field"),
        (
            r"Expected value of type '(\w+)' not to include unknown field '(\w+)'",
            "field '{1}' not found in type: '{0}'",
        ),
        (
            r"Variable '\$(\w+)' of type '(.+)' used in position expecting type '(.+)'",
            "variable '{0}' is declared as '{1}', but used where '{2}' is expected",
        ),
    )
}
# Hasura message -> the path suffix after the field's path, where Hasura points deeper than the field.
_PATH_SUFFIXES = {"missing required field '{1}'": ".args.{1}", "missing selection set for '{0}'": ".selectionSet"}


@dataclass(frozen=True)
class Operation:
    """A validated operation of a request, ready to execute."""

    document: object
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    variables: VariableValues
    query_text: str

    @property
    def is_mutation(self) -> bool:
        return self.operation.operation == OperationType.MUTATION


def _select_operation(document, operation_name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) != 1:
            raise validation_failed(
                "exactly one operation has to be present in the document when operationName is not specified"
            )
        return operations[0]
    if any(op.name is None for op in operations):
        raise validation_failed("operationName cannot be used when an anonymous operation exists in the document")
    for op in operations:
        if op.name.value == operation_name:
            return op
    raise validation_failed(f'no such operation found in the document: "{operation_name}"')


def _node_paths(operation, fragments) -> dict[int, str]:
    """Hasura-style JSON path of every field, selection set and argument value node (fragments inlined)."""
    paths: dict[int, str] = {}

    def value(node, path: str) -> None:
        paths.setdefault(id(node), path)
        for item in getattr(node, "values", None) or ():
            value(item, path)
        for field in getattr(node, "fields", None) or ():
            paths.setdefault(id(field), f"{path}.{field.name.value}")
            value(field.value, f"{path}.{field.name.value}")

    def walk(selection_set, prefix: str, seen: tuple) -> None:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                path = f"{prefix}.selectionSet.{selection.name.value}"
                paths.setdefault(id(selection), path)
                for argument in selection.arguments or ():
                    paths.setdefault(id(argument), path)
                    value(argument.value, f"{path}.args.{argument.name.value}")
                if selection.selection_set is not None:
                    paths.setdefault(id(selection.selection_set), path)
                walk(selection.selection_set, path, seen)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, prefix, seen)
            elif (
                isinstance(selection, FragmentSpreadNode)
                and selection.name.value in fragments
                and selection.name.value not in seen
            ):
                walk(fragments[selection.name.value].selection_set, prefix, seen + (selection.name.value,))

    walk(operation.selection_set, "$", ())
    return paths


def _hasura_validation_error(error: GraphQLError, paths: dict[int, str]) -> HasuraError:
    nodes = error.nodes or []
    field_path = next((paths[id(node)] for node in nodes if id(node) in paths), "$")
    for pattern, template in _VALIDATION_MESSAGES.items():
        match = pattern.search(error.message)
        if match:
            suffix = _PATH_SUFFIXES.get(template, "").format(*match.groups())
            return validation_failed(template.format(*match.groups()), field_path + suffix)
    return validation_failed(error.message, field_path)


class _VariableUses(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable_definition(self, *_):
        return SKIP

    def enter_variable(self, node, *_):
        self.names.add(node.name.value)


def _used_variables(operation, fragments) -> set[str]:
    uses = _VariableUses()
    for node in (operation, *fragments.values()):
        visit(node, uses)
    return uses.names


def _variable_error(error: GraphQLError) -> HasuraError:
    missing = re.match(
        r"Variable '\$(\w+)' has invalid value: Expected a value of non-null type '(.+)' to be "
        r"provided",
        error.message,
    )
    if missing:
        return validation_failed(f'expecting a value for non-nullable variable: "{missing.group(1)}"')
    null = re.match(
        r"Variable '\$(\w+)' has invalid value: Expected value of non-null type '(.+)' not to be None", error.message
    )
    if null:
        return validation_failed(f'null value found for non-nullable type: "{null.group(2)}"')
    return validation_failed(error.message)


def _parsed(query_text: str, role_schema: RoleSchema):
    """(document, validation errors) of a query text, cached per role schema since clients repeat documents."""
    cached = role_schema.documents.get(query_text)
    if cached is None:
        try:
            document = parse(query_text)
        except GraphQLSyntaxError:
            raise validation_failed("not a valid graphql query", "$.query") from None
        if len(role_schema.documents) >= DOCUMENT_CACHE_SIZE:
            role_schema.documents.clear()
        errors = validate(role_schema.schema, document, VALIDATION_RULES)
        cached = role_schema.documents[query_text] = (document, errors)
    return cached


def prepare(body, role_schema: RoleSchema) -> Operation:
    """Parse, pick the operation, validate against the role's schema and coerce the variables."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise HasuraError("parse-failed", "the key 'query' was not present", "$")
    query_text = body["query"]
    document, errors = _parsed(query_text, role_schema)
    operation = _select_operation(document, body.get("operationName"))
    if operation.operation == OperationType.MUTATION and role_schema.schema.mutation_type is None:
        raise validation_failed("no mutations exist")
    if operation.operation == OperationType.SUBSCRIPTION:
        raise HasuraError("unexpected-payload", "subscriptions are not supported over HTTP, use websockets instead")
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if errors:
        raise _hasura_validation_error(errors[0], _node_paths(operation, fragments))
    provided = body.get("variables") or {}
    if not isinstance(provided, dict):
        raise HasuraError("parse-failed", "variables must be an object", "$.variables")
    used = _used_variables(operation, fragments)
    unexpected = [name for name in provided if name not in used]
    if unexpected:
        raise validation_failed("unexpected variables in variableValues: " + ", ".join(unexpected))
    variables = get_variable_values(role_schema.schema, operation.variable_definitions or (), provided)
    if isinstance(variables, list):
        raise _variable_error(variables[0])
    return Operation(document, operation, fragments, variables, query_text)
