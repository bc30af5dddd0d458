"""The command-line checkers run over infra/: checkov (always) and terraform (when installed)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from phenom_infra.hcl import REPO_ROOT

TERRAFORM_MISSING = "terraform binary not on PATH: install terraform 1.x to run fmt/validate"
CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
CHECKOV_MISSING = (
    f"checkov is not installed at {CHECKOV.relative_to(REPO_ROOT)}: run `make setup`, which installs it "
    "(the README's test command always runs checkov over infra/)"
)
CHECKOV_ARGUMENTS = ("-d", "infra", "--quiet", "--compact", "--framework", "terraform")
CHECKOV_CONFIG = REPO_ROOT / "infra" / ".checkov.yaml"
# Machines without access to registry.terraform.io keep the AWS provider in this local mirror.
PROVIDER_MIRROR = Path("/opt/tf-plugins")
COMMAND_TIMEOUT_SECONDS = 300

_CHECKOV_SUMMARY = re.compile(
    r"Passed checks: (?P<passed>\d+), Failed checks: (?P<failed>\d+), Skipped checks: (?P<skipped>\d+)"
)


@dataclass(frozen=True)
class CommandResult:
    """What a checker printed and how it exited."""

    command: tuple[str, ...]
    returncode: int
    output: str
    errors: str = ""

    def describe(self) -> str:
        """The command, its exit code and its output, for an assertion message."""
        return f"$ {' '.join(self.command)}\nexit code {self.returncode}\n{self.output}{self.errors}"


@dataclass(frozen=True)
class CheckovSummary:
    """Counts from checkov's summary line."""

    passed: int
    failed: int
    skipped: int


def run(
    command: list[str],
    cwd: Path,
    environment: Mapping[str, str] | None = None,
    timeout: float = COMMAND_TIMEOUT_SECONDS,
    separate_errors: bool = False,
) -> CommandResult:
    """Run `command` in `cwd` without prompts or update checks, capturing stdout and stderr together (or stderr
    apart in `errors`, for output that is parsed); environment adds variables to this process's."""
    environment = {**os.environ, **(environment or {}), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    completed = subprocess.run(
        command,
        cwd=cwd,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if separate_errors else subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    return CommandResult(tuple(command), completed.returncode, completed.stdout, completed.stderr or "")


def run_checkov() -> CommandResult:
    """checkov over infra/ exactly as the README's test command runs it."""
    return run([str(CHECKOV), *CHECKOV_ARGUMENTS], REPO_ROOT)


def checkov_summary(output: str) -> CheckovSummary | None:
    """The counts of checkov's terraform summary, or None when it printed none."""
    match = _CHECKOV_SUMMARY.search(output)
    return CheckovSummary(**{key: int(value) for key, value in match.groupdict().items()}) if match else None


def terraform_binary() -> str | None:
    """Path of the terraform binary on PATH, if any."""
    return shutil.which("terraform")


def terraform_init_command(terraform: str) -> list[str]:
    """`terraform init` without a backend, from the local provider mirror when the machine has one."""
    command = [terraform, "init", "-backend=false", "-input=false", "-no-color"]
    if PROVIDER_MIRROR.is_dir():
        command.append(f"-plugin-dir={PROVIDER_MIRROR}")
    return command
