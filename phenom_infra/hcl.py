"""One directory of Terraform files, parsed with python-hcl2 and merged into lookup tables."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phenom_infra.errors import InfraConfigError

REPO_ROOT = Path(__file__).resolve().parents[1]
INFRA_DIR = REPO_ROOT / "infra"
ENVIRONMENTS_DIR = INFRA_DIR / "environments"
MODULES_DIR = INFRA_DIR / "modules"


Labelled = dict[tuple[str, str], dict[str, Any]]


@dataclass(frozen=True)
class TerraformDirectory:
    """The blocks of every .tf file in one directory, keyed by their labels."""

    path: Path
    terraform: dict[str, Any]
    providers: dict[str, dict[str, Any]]
    variables: dict[str, dict[str, Any]]
    locals: dict[str, Any]
    modules: dict[str, dict[str, Any]]
    resources: Labelled
    data: Labelled
    ephemeral: Labelled
    outputs: dict[str, dict[str, Any]]
    moved: list[dict[str, Any]]

    def resource(self, kind: str, name: str) -> dict[str, Any]:
        """The raw body of `resource "kind" "name"`."""
        try:
            return self.resources[(kind, name)]
        except KeyError:
            raise InfraConfigError(f'{self.path}: no resource "{kind}" "{name}"; add it or fix the contract') from None


def parse_file(path: Path) -> dict[str, list[Any]]:
    """One .tf file as python-hcl2 reads it; a syntax error names the file."""
    # Imported here: python-hcl2 brings lark (~40 ms), and `pytest -m smoke` imports this module's paths only.
    import hcl2

    # Unquoted strings, blocks as plain lists of dicts; expressions stay as "${...}" text.
    options = hcl2.SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)
    try:
        return hcl2.loads(path.read_text(encoding="utf-8"), serialization_options=options)
    except Exception as error:
        raise InfraConfigError(f"{path}: python-hcl2 cannot parse it ({error}); fix the HCL syntax") from error


def terraform_files(root: Path = INFRA_DIR) -> list[Path]:
    """Every .tf file under `root`, outside Terraform's working directories."""
    return sorted(path for path in root.rglob("*.tf") if ".terraform" not in path.parts)


@functools.cache
def load_directory(path: Path) -> TerraformDirectory:
    """The merged configuration of `path` (parsed once per process)."""
    files = sorted(path.glob("*.tf"))
    if not files:
        raise InfraConfigError(f"{path} holds no .tf files; expected a Terraform module or environment there")
    blocks: dict[str, list[Any]] = {}
    for file in files:
        for kind, entries in parse_file(file).items():
            blocks.setdefault(kind, []).extend(entries)
    terraform: dict[str, Any] = {}
    for body in blocks.get("terraform", []):
        terraform.update(body)
    local_values: dict[str, Any] = {}
    for body in blocks.get("locals", []):
        local_values.update(body)
    return TerraformDirectory(
        path=path,
        terraform=terraform,
        providers=_named(blocks.get("provider", [])),
        variables=_named(blocks.get("variable", [])),
        locals=local_values,
        modules=_named(blocks.get("module", [])),
        resources=_labelled(blocks.get("resource", [])),
        data=_labelled(blocks.get("data", [])),
        ephemeral=_labelled(blocks.get("ephemeral", [])),
        outputs=_named(blocks.get("output", [])),
        moved=blocks.get("moved", []),
    )


def _named(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: body for entry in entries for name, body in entry.items()}


def _labelled(entries: list[dict[str, Any]]) -> Labelled:
    return {(kind, name): body for entry in entries for kind, named in entry.items() for name, body in named.items()}
