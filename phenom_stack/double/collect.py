"""Walk a validated document: fields grouped by response key (fragments inlined, @skip/@include applied)."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLIncludeDirective, GraphQLSkipDirective
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode


@dataclass(frozen=True)
class Walk:
    """What field collection needs from the request: fragments and coerced variables."""

    fragments: dict
    variables: VariableValues


@dataclass
class Selected:
    """One response key: its field name and every node selecting it (their sub-selections merge)."""

    key: str
    name: str
    nodes: list[FieldNode]

    @property
    def node(self) -> FieldNode:
        return self.nodes[0]


def _included(node, walk: Walk) -> bool:
    skip = get_directive_values(GraphQLSkipDirective, node, walk.variables)
    if skip and skip.get("if") is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, walk.variables)
    return not (include and include.get("if") is False)


def collect(walk: Walk, selection_sets, type_name: str) -> list[Selected]:
    """The fields of `selection_sets` on object type `type_name`, in document order."""
    found: dict[str, Selected] = {}
    for selection_set in selection_sets:
        _collect_into(walk, selection_set, type_name, found)
    return list(found.values())


def _collect_into(walk: Walk, selection_set, type_name: str, found: dict[str, Selected]) -> None:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if not _included(selection, walk):
            continue
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            if key in found:
                found[key].nodes.append(selection)
            else:
                found[key] = Selected(key, selection.name.value, [selection])
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            if condition is None or condition.name.value == type_name:
                _collect_into(walk, selection.selection_set, type_name, found)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = walk.fragments[selection.name.value]
            if fragment.type_condition.name.value == type_name:
                _collect_into(walk, fragment.selection_set, type_name, found)


def subfields(walk: Walk, selected: Selected, type_name: str) -> list[Selected]:
    """The merged sub-selection of `selected` on object type `type_name`."""
    return collect(walk, [node.selection_set for node in selected.nodes], type_name)


def arguments(walk: Walk, field_def, selected: Selected) -> dict:
    """Coerced argument values of the field (absent arguments left out, explicit nulls kept)."""
    return get_argument_values(field_def, selected.node, walk.variables)
