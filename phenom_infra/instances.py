"""Terraform modules as instantiated by an environment, with the simple references in their values resolved.

Only what a reader resolves at a glance is evaluated: `var.*`, `local.*`, `module.<call>.<output>`,
a same-module resource's literal argument (`aws_s3_bucket.this.bucket`), attribute access into
those values, and `jsonencode(<reference>)`. Anything else (resource attributes AWS assigns,
functions, conditionals) stays as its "${...}" text, so a contract can still compare it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from phenom_infra.errors import InfraConfigError
from phenom_infra.hcl import ENVIRONMENTS_DIR, TerraformDirectory, load_directory

# A "${...}" with no nested braces, and a dotted reference such as module.cognito.user_pool_id.
_INTERPOLATION = re.compile(r"\$\{([^${}]*)\}")
_REFERENCE = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+")
_JSONENCODE = re.compile(r"jsonencode\((?P<reference>[^()]*)\)")
# Arguments of a module block that Terraform itself consumes.
_META_ARGUMENTS = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})
# Every environment's root calls modules/phenom_stack once, under this name.
STACK_MODULE = "stack"


class _Unresolved:
    """Marks a reference this reader does not evaluate."""


UNRESOLVED = _Unresolved()


class ModuleInstance:
    """One module directory plus the (unevaluated) arguments its caller passes."""

    def __init__(
        self, path: Path, address: str, caller: ModuleInstance | None = None, arguments: dict[str, Any] | None = None
    ) -> None:
        self.config: TerraformDirectory = load_directory(path)
        self.address = address
        self._caller = caller
        self._arguments = arguments or {}
        self._children: dict[str, ModuleInstance] = {}

    def __repr__(self) -> str:
        return f"ModuleInstance({self.address})"

    @property
    def root_path(self) -> Path:
        """The directory `path.root` names in this module: its environment's root module."""
        return self.config.path if self._caller is None else self._caller.root_path

    def module(self, name: str) -> ModuleInstance:
        """The child module called `module "name"` here."""
        if name not in self._children:
            try:
                block = self.config.modules[name]
            except KeyError:
                raise InfraConfigError(
                    f'{self.address}: no module "{name}"; add the call or fix the contract'
                ) from None
            arguments = {key: value for key, value in block.items() if key not in _META_ARGUMENTS}
            path = (self.config.path / block["source"]).resolve()
            self._children[name] = ModuleInstance(path, f"{self.address}.module.{name}", self, arguments)
        return self._children[name]

    def argument(self, name: str) -> Any:
        """The caller's value for variable `name`, or the variable's default when the caller passes none."""
        value = self.variable(name)
        if value is UNRESOLVED:
            raise InfraConfigError(f"{self.address}: variable {name} has neither an argument nor a default")
        return value

    def caller_argument(self, name: str) -> tuple[ModuleInstance, Any] | None:
        """The calling module and its raw (unevaluated) value for variable `name`, or None when it passes none."""
        if self._caller is None or name not in self._arguments:
            return None
        return self._caller, self._arguments[name]

    def variable(self, name: str) -> Any:
        """Value of `var.name`, or UNRESOLVED."""
        passed = self.caller_argument(name)
        if passed is not None:
            caller, expression = passed
            return caller.evaluate(expression)
        declared = self.config.variables.get(name)
        if declared is None:
            raise InfraConfigError(f'{self.address}: no variable "{name}" declared')
        return self.evaluate(declared["default"]) if "default" in declared else UNRESOLVED

    def local(self, name: str) -> Any:
        """Value of `local.name`."""
        try:
            return self.evaluate(self.config.locals[name])
        except KeyError:
            raise InfraConfigError(f"{self.address}: no local value {name}") from None

    def output(self, name: str) -> Any:
        """Value of `output "name"`."""
        try:
            return self.evaluate(self.config.outputs[name]["value"])
        except KeyError:
            raise InfraConfigError(f'{self.address}: no output "{name}"') from None

    def resource(self, kind: str, name: str) -> dict[str, Any]:
        """The arguments of `resource "kind" "name"`, evaluated (depends_on, which names no value, left out)."""
        return self._evaluate_body(self.config.resource(kind, name))

    def data(self, kind: str, name: str) -> dict[str, Any]:
        """The arguments of `data "kind" "name"`, evaluated."""
        try:
            return self.evaluate(self.config.data[(kind, name)])
        except KeyError:
            raise InfraConfigError(f'{self.address}: no data "{kind}" "{name}"') from None

    def resources_of(self, kind: str) -> dict[str, dict[str, Any]]:
        """Every resource of type `kind` in this module, by name, evaluated."""
        return {
            name: self._evaluate_body(body) for (found, name), body in self.config.resources.items() if found == kind
        }

    def _evaluate_body(self, body: dict[str, Any]) -> dict[str, Any]:
        return {key: self.evaluate(value) for key, value in body.items() if key != "depends_on"}

    def evaluate(self, value: Any) -> Any:
        """`value` with every simple reference resolved in this module's scope."""
        if isinstance(value, dict):
            return {key: self.evaluate(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.evaluate(item) for item in value]
        if not isinstance(value, str):
            return value
        whole = _INTERPOLATION.fullmatch(value)
        if whole:
            resolved = self._expression(whole.group(1).strip())
            return value if resolved is UNRESOLVED else resolved
        return _INTERPOLATION.sub(self._substitute, value)

    def _substitute(self, match: re.Match[str]) -> str:
        resolved = self._expression(match.group(1).strip())
        if isinstance(resolved, bool):
            return "true" if resolved else "false"
        if isinstance(resolved, (str, int, float)):
            return str(resolved)
        return match.group(0)

    def _expression(self, expression: str) -> Any:
        encoded = _JSONENCODE.fullmatch(expression)
        if encoded:
            resolved = self._expression(encoded.group("reference").strip())
            return UNRESOLVED if resolved is UNRESOLVED else json.dumps(resolved, sort_keys=True, separators=(",", ":"))
        if not _REFERENCE.fullmatch(expression):
            return UNRESOLVED
        return self._reference(expression.split("."))

    def _reference(self, parts: list[str]) -> Any:
        head = parts[0]
        if head == "var":
            value, rest = self.variable(parts[1]), parts[2:]
        elif head == "local":
            value, rest = self.local(parts[1]), parts[2:]
        elif head == "module" and len(parts) >= 3:
            value, rest = self.module(parts[1]).output(parts[2]), parts[3:]
        elif (head, parts[1]) in self.config.resources and not _repeated(self.config.resources[(head, parts[1])]):
            value, rest = self.resource(head, parts[1]), parts[2:]
        else:
            return UNRESOLVED
        for key in rest:
            if value is UNRESOLVED or not isinstance(value, dict) or key not in value:
                return UNRESOLVED
            value = value[key]
        return value


def _repeated(body: dict[str, Any]) -> bool:
    return "count" in body or "for_each" in body


def environment(name: str) -> ModuleInstance:
    """The root module of infra/environments/<name>, with variables at their defaults."""
    path = ENVIRONMENTS_DIR / name
    if not path.is_dir():
        raise InfraConfigError(f"no Terraform environment at {path}")
    return ModuleInstance(path, f"environments/{name}")


def stack(name: str) -> ModuleInstance:
    """modules/phenom_stack as infra/environments/<name> calls it: the module that holds the whole environment."""
    return environment(name).module(STACK_MODULE)
