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
    ArgumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    Visitor,
    visit,
)

from phenom_stack.double.errors import HasuraError, validation_failed
from phenom_stack.double.schema import RoleSchema

DOCUMENT_CACHE_SIZE = 512
# Hasura accepts unused fragments and variable definitions; it refuses only values for unused variables.
VALIDATION_RULES = [rule for rule in specified_rules if rule not in (NoUnusedFragmentsRule, NoUnusedVariablesRule)]
# graphql-core message -> Hasura message, path suffix after the field's path.
_VALIDATION_MESSAGES = (
    (re.compile(r"Cannot query field '(\w+)' on type '(\w+)'"), "field '{0}' not found in type: '{1}'", ""),
    (re.compile(r"Unknown argument '(\w+)' on field '\w+\.(\w+)'"), "'{1}' has no argument named '{0}'", ""),
    (
        re.compile(r"Argument '\w+\.(\w+)\((\w+):\)' of type .* is required, but it was not provided"),
        "missing required field '{1}'",
        ".args.{1}",
    ),
    (
        re.compile(r"Field '(\w+)' of type .* must have a selection of subfields"),
        "missing selection set for '{0}'",
        ".selectionSet",
    ),
    (
        re.compile(r"Field '(\w+)' must not have a selection since type"),
        "unexpected subselection set for non-object field",
        "",
    ),
    (
        re.compile(r"Expected value of type '(\w+)' not to include unknown field '(\w+)'"),
        "field '{1}' not found in type: '{0}'",
        "",
    ),
    (re.compile(r"Unknown directive '@(\w+)'"), 'directive "{0}" is not defined in the schema', ""),
    (
        re.compile(r"The directive '@(\w+)' can only be used once at this location"),
        "the following directives are used more than once: {0}",
        "",
    ),
    (re.compile(r"Directive '@(\w+)' may not be used on (\w+)"), 'directive "{0}" is not allowed on a {1}', ""),
    (
        re.compile(r"Expected value of non-null type '(.+)' not to be None"),
        "null value found for non-nullable type: {0}",
        "",
    ),
    (
        re.compile(r"Variable '\$(\w+)' of type '(.+)' used in position expecting type '(.+)'"),
        "variable '{0}' is declared as '{1}', but used where '{2}' is expected",
        "",
    ),
)


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
        for index, item in enumerate(getattr(node, "values", None) or ()):
            value(item, f"{path}[{index}]")
        for field in getattr(node, "fields", None) or ():
            paths.setdefault(id(field), f"{path}.{field.name.value}")
            value(field.value, f"{path}.{field.name.value}")

    def walk(selection_set, prefix: str, seen: tuple) -> None:
        for selection in selection_set.selections if selection_set else ():
            for directive in selection.directives or ():
                # Hasura reports a directive it refuses at the selection set that holds it.
                paths.setdefault(id(directive), f"{prefix}.selectionSet")
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


def _fragment_cycle(operation, fragments) -> HasuraError | None:
    """Hasura's error for a fragment spread inside itself: the path walks through the fragments by name."""

    def walk(selection_set, path: str, stack: tuple) -> HasuraError | None:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode) and selection.selection_set is not None:
                found = walk(selection.selection_set, f"{path}.{selection.name.value}.selectionSet", stack)
            elif isinstance(selection, InlineFragmentNode):
                found = walk(selection.selection_set, path, stack)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
                name = selection.name.value
                if name in stack:
                    via = ",".join(stack[stack.index(name) + 1 :] + (name,))
                    return validation_failed(f'cannot spread fragment "{name}" within itself via {via}', path)
                found = walk(fragments[name].selection_set, f"{path}.{name}.selectionSet", stack + (name,))
            else:
                found = None
            if found is not None:
                return found
        return None

    return walk(operation.selection_set, "$.selectionSet", ())


def _integer_text(value: str) -> str:
    """An integer literal as Haskell shows the Double Hasura parsed it into (2147483648 -> 2.147483648e9)."""
    digits = value.lstrip("-")
    significant = digits.rstrip("0") or "0"
    mantissa = significant[0] + "." + (significant[1:] or "0")
    return f"{'-' if value.startswith('-') else ''}{mantissa}e{len(digits) - 1}"


def _hasura_validation_error(error: GraphQLError, paths: dict[int, str]) -> HasuraError:
    nodes = error.nodes or []
    field_path = next((paths[id(node)] for node in nodes if id(node) in paths), "$")
    argument = field_path.rsplit(".", 1)[-1]
    if error.message.startswith("Int cannot represent non-integer value") and argument in ("limit", "offset"):
        return validation_failed(f'expecting Integer value for "{argument}"', field_path)
    overflow = re.match(r"Int cannot represent non 32-bit signed integer value: (-?\d+)$", error.message)
    if overflow:
        return HasuraError(
            "parse-failed",
            f"The value {_integer_text(overflow.group(1))} lies outside the bounds or is not an integer.  "
            "Maybe it is a float, or is there integer overflow?",
            field_path,
        )
    for pattern, template, suffix in _VALIDATION_MESSAGES:
        match = pattern.search(error.message)
        if match:
            return validation_failed(template.format(*match.groups()), field_path + suffix.format(*match.groups()))
    return validation_failed(error.message, field_path)


class _VariableUses(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable_definition(self, *_):
        return SKIP

    def enter_variable(self, node, *_):
        self.names.add(node.name.value)


class _StringOffsets(Visitor):
    """Hasura reads `offset: "2"` as the integer 2 (offsets are big integers, which travel as strings)."""

    def enter_argument(self, node, *_):
        value = node.value
        if node.name.value == "offset" and isinstance(value, StringValueNode) and re.fullmatch(r"\d+", value.value):
            return ArgumentNode(name=node.name, value=IntValueNode(value=value.value, loc=value.loc), loc=node.loc)
        return None


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
        return validation_failed(
            f"null value found for non-nullable type: {null.group(2)}", f"$.variableValues.{null.group(1)}"
        )
    return validation_failed(error.message)


def _parsed(query_text: str, role_schema: RoleSchema):
    """(document, validation errors) of a query text, cached per role schema since clients repeat documents."""
    cached = role_schema.documents.get(query_text)
    if cached is None:
        try:
            document = visit(parse(query_text), _StringOffsets())
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
        if any("within itself" in error.message for error in errors):
            cycle = _fragment_cycle(operation, fragments)
            if cycle is not None:
                raise cycle
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
