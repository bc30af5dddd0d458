"""Which count and for_each arguments depend on values AWS assigns only at apply time.

Terraform must know every count and every for_each key while planning, and from an empty state no
id or ARN exists yet. This reader follows each reference in those arguments back to where its value
is written: variables to the argument the caller passes (or the default), locals to their
expression, module outputs to the output's expression. A value written in the configuration is
known at plan time; a reference to a resource, data source or ephemeral value may not be, and
is reported. A for_each over a map variable needs only its keys, so only the keys are followed there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from phenom_infra.instances import ModuleInstance

REPETITION_ARGUMENTS = ("count", "for_each")
_REFERENCE = re.compile(r"\b[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+")
# A quoted string with no interpolation inside an expression: a literal, whatever dots it holds.
_PLAIN_STRING = re.compile(r'"(?:[^"\\$]|\\.|\$(?!\{))*"')
_WHOLE_REFERENCE = re.compile(r"\$\{\s*(?P<reference>[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+)\s*\}")


@dataclass(frozen=True)
class ApplyTimeRepetition:
    """A count or for_each whose value depends on something known only after apply."""

    module: str
    block: str
    argument: str
    expression: str
    sources: tuple[str, ...]

    def describe(self) -> str:
        """One line naming the argument and where its apply-time values come from."""
        return (
            f"{self.module}: {self.block} {self.argument} = {self.expression} depends on {', '.join(self.sources)}, "
            "which a plan from empty state may not know; derive it from literals, variables and locals only"
        )


def apply_time_repetitions(root: ModuleInstance) -> list[ApplyTimeRepetition]:
    """Every count and for_each in `root` and the modules it calls whose value a plan from empty state cannot know."""
    found: list[ApplyTimeRepetition] = []
    for instance in _module_tree(root):
        for block, body in _repeatable_blocks(instance):
            for argument in REPETITION_ARGUMENTS:
                if argument in body:
                    keys_only = argument == "for_each" and _is_map_variable(instance, body[argument])
                    sources = _apply_time_sources(instance, body[argument], keys_only)
                    if sources:
                        found.append(
                            ApplyTimeRepetition(instance.address, block, argument, body[argument], tuple(sources))
                        )
    return found


def _module_tree(instance: ModuleInstance) -> Iterator[ModuleInstance]:
    yield instance
    for name in instance.config.modules:
        yield from _module_tree(instance.module(name))


def _repeatable_blocks(instance: ModuleInstance) -> Iterator[tuple[str, dict[str, Any]]]:
    for (kind, name), body in instance.config.resources.items():
        yield f'resource "{kind}" "{name}"', body
    for (kind, name), body in instance.config.data.items():
        yield f'data "{kind}" "{name}"', body
    for name, body in instance.config.modules.items():
        yield f'module "{name}"', body


def _is_map_variable(instance: ModuleInstance, expression: Any) -> bool:
    whole = _WHOLE_REFERENCE.fullmatch(expression) if isinstance(expression, str) else None
    if whole is None or not whole.group("reference").startswith("var."):
        return False
    declared = instance.config.variables.get(whole.group("reference").split(".")[1], {})
    return str(declared.get("type", "")).removeprefix("${").startswith("map(")


def _apply_time_sources(scope: ModuleInstance, expression: Any, keys_only: bool = False) -> list[str]:
    """The references in `expression` (read in `scope`) that lead to apply-time values, as "<module>: <reference>"."""
    if isinstance(expression, dict):
        items = list(expression) if keys_only else [*expression, *expression.values()]
        return [source for item in items for source in _apply_time_sources(scope, item)]
    if isinstance(expression, list):
        return [source for item in expression for source in _apply_time_sources(scope, item)]
    if not isinstance(expression, str) or "${" not in expression:
        return []
    whole = _WHOLE_REFERENCE.fullmatch(expression)
    if whole is not None:
        return _reference_sources(scope, whole.group("reference"), keys_only)
    references = [
        reference
        for interpolation in _interpolations(expression)
        for reference in _REFERENCE.findall(_PLAIN_STRING.sub('""', interpolation))
    ]
    return [source for reference in references for source in _reference_sources(scope, reference, False)]


def _interpolations(template: str) -> Iterator[str]:
    """The expression inside each ${...} of `template`; the text around them is literal."""
    start = template.find("${")
    while start != -1:
        depth = 0
        for end in range(start + 1, len(template)):
            depth += {"{": 1, "}": -1}.get(template[end], 0)
            if depth == 0:
                break
        yield template[start + 2 : end]
        start = template.find("${", end)


def _reference_sources(scope: ModuleInstance, reference: str, keys_only: bool) -> list[str]:
    parts = reference.split(".")
    if parts[0] == "var":
        passed = scope.caller_argument(parts[1])
        # Root variables and defaults are written in the configuration or given on the command line.
        return [] if passed is None else _apply_time_sources(*passed, keys_only)
    if parts[0] == "local":
        return _apply_time_sources(scope, scope.config.locals[parts[1]], keys_only)
    if parts[0] == "module" and len(parts) >= 3:
        child = scope.module(parts[1])
        return _apply_time_sources(child, child.config.outputs[parts[2]]["value"], keys_only)
    return [f"{scope.address}: {reference}"]
