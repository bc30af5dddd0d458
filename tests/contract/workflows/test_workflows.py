"""The GitHub workflows, checked offline: GitHub's schema, zizmor, pinned actions, least privilege, and what runs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.contract

REPO_ROOT = Path(__file__).resolve().parents[3]
WORKFLOWS_DIR = REPO_ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS_DIR.glob("*.y*ml"))
CHECK_JSONSCHEMA = REPO_ROOT / ".venv" / "bin" / "check-jsonschema"
ZIZMOR = REPO_ROOT / ".venv" / "bin" / "zizmor"
TOOL_MISSING = "{tool} is not installed in .venv: run `make setup` (it is pinned in pyproject.toml's test extra)"
SMOKE_PROD = ".venv/bin/python -m pytest -m smoke --env prod --phenom-report "
_USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)(?P<comment>\s+#.*)?$")


def load(name: str) -> dict[str, Any]:
    """The workflow as a dict, with PyYAML's `True` key (from `on:`) renamed back to "on"."""
    data = yaml.safe_load((WORKFLOWS_DIR / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any], job: str | None = None) -> list[dict[str, Any]]:
    jobs = [workflow["jobs"][job]] if job else workflow["jobs"].values()
    return [step for each in jobs for step in each.get("steps", [])]


def step_using(workflow: dict[str, Any], action: str, job: str | None = None) -> dict[str, Any]:
    matches = [step for step in steps(workflow, job) if step.get("uses", "").startswith(f"{action}@")]
    assert matches, f"no step uses {action}"
    return matches[0]


def step_running(workflow: dict[str, Any], command: str, job: str | None = None) -> dict[str, Any]:
    matches = [step for step in steps(workflow, job) if command in step.get("run", "")]
    assert matches, f"no step runs {command!r}"
    return matches[0]


def strings_with_paths(node: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    if isinstance(node, dict):
        return [found for key, value in node.items() for found in strings_with_paths(value, (*path, key))]
    if isinstance(node, list):
        return [found for index, value in enumerate(node) for found in strings_with_paths(value, (*path, index))]
    return [(path, node)] if isinstance(node, str) else []


def test_the_three_workflows_exist():
    assert [path.name for path in WORKFLOW_FILES] == ["canary.yml", "contract.yml", "deploy-hasura-production.yaml"]


@pytest.mark.parametrize("workflow", WORKFLOW_FILES, ids=lambda path: path.name)
def test_each_workflow_validates_against_githubs_schema(workflow):
    if not CHECK_JSONSCHEMA.exists():
        pytest.skip(TOOL_MISSING.format(tool="check-jsonschema"))
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(workflow)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_offline():
    if not ZIZMOR.exists():
        pytest.skip(TOOL_MISSING.format(tool="zizmor"))
    result = subprocess.run(
        [str(ZIZMOR), "--offline", str(WORKFLOWS_DIR)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOW_FILES, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_full_commit_with_its_version_named(workflow):
    uses_lines = [line for line in workflow.read_text().splitlines() if re.match(r"^\s*(-\s*)?uses:", line)]
    assert uses_lines
    for line in uses_lines:
        match = _USES.match(line)
        assert match, f"unreadable uses line: {line.strip()}"
        assert re.fullmatch(r"[0-9a-f]{40}", match["ref"]), (
            f"{match['action']} is not pinned to a commit: {line.strip()}"
        )
        assert match["comment"] and re.search(r"#\s*v\d+\.\d+\.\d+\b", match["comment"]), (
            f"no # vX.Y.Z after {line.strip()}"
        )


@pytest.mark.parametrize("workflow", WORKFLOW_FILES, ids=lambda path: path.name)
def test_checkout_never_persists_credentials(workflow):
    data = load(workflow.name)
    checkouts = [step for step in steps(data) if step.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    assert all(step.get("with", {}).get("persist-credentials") is False for step in checkouts)


@pytest.mark.parametrize("workflow", WORKFLOW_FILES, ids=lambda path: path.name)
def test_permissions_are_empty_at_the_top_and_granted_per_job(workflow):
    data = load(workflow.name)
    assert data["permissions"] == {}
    for name, job in data["jobs"].items():
        assert isinstance(job.get("permissions"), dict), f"job {name} declares no permissions"
        assert job["permissions"].get("contents") == "read"


@pytest.mark.parametrize("workflow", WORKFLOW_FILES, ids=lambda path: path.name)
def test_no_expression_is_expanded_inside_a_shell_script(workflow):
    scripts = [step["run"] for step in steps(load(workflow.name)) if "run" in step]
    assert scripts and not [script for script in scripts if "${{" in script]


@pytest.mark.parametrize("workflow", WORKFLOW_FILES, ids=lambda path: path.name)
def test_secrets_and_tokens_reach_steps_only_through_env(workflow):
    for path, text in strings_with_paths(load(workflow.name)):
        if "secrets." in text or "github.token" in text:
            assert len(path) >= 2 and path[-2] == "env", f"{'/'.join(map(str, path))} uses a secret outside env"


@pytest.mark.parametrize("workflow", WORKFLOW_FILES, ids=lambda path: path.name)
def test_no_stored_aws_keys_are_used(workflow):
    text = workflow.read_text()
    assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text


def test_contract_runs_on_pull_requests_and_pushes_to_main():
    triggers = load("contract.yml")["on"]
    assert set(triggers) == {"pull_request", "push"}
    assert triggers["push"]["branches"] == ["main"]


def test_contract_runs_the_readmes_commands_with_python_311_and_node():
    workflow = load("contract.yml")
    assert step_using(workflow, "actions/setup-python", "suite")["with"]["python-version"] == "3.11"
    assert step_using(workflow, "actions/setup-node", "suite")["with"]["node-version"]
    assert step_running(workflow, ".ci/run", "suite")["run"].strip() == ".ci/run"


def test_contract_checks_terraform_format_and_validates_every_environment():
    workflow = load("contract.yml")
    version = step_using(workflow, "hashicorp/setup-terraform", "terraform")["with"]["terraform_version"]
    assert re.fullmatch(r"1\.\d+\.\d+", str(version)), "terraform_version must pin one 1.x.y release"
    assert (
        step_running(workflow, "terraform fmt", "terraform")["run"].strip() == "terraform fmt -check -recursive infra"
    )
    validated = {
        step["working-directory"]
        for step in steps(workflow, "terraform")
        if re.search(r"terraform init -backend=false\b.*&& terraform validate", step.get("run", ""))
    }
    environments = {
        f"infra/environments/{path.name}" for path in (REPO_ROOT / "infra" / "environments").iterdir() if path.is_dir()
    }
    assert environments and validated == environments


def test_contract_runs_checkov_over_infra():
    workflow = load("contract.yml")
    assert step_running(workflow, "make setup", "checkov")
    assert step_running(workflow, ".venv-checkov/bin/checkov -d infra", "checkov")


def test_canary_runs_on_a_schedule_and_on_demand_one_at_a_time():
    workflow = load("canary.yml")
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert workflow["on"]["schedule"][0]["cron"]
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_canary_has_only_the_permissions_it_needs():
    (job,) = load("canary.yml")["jobs"].values()
    # actions: read lets the alert rule read the earlier runs' logs, its only memory.
    assert job["permissions"] == {"contents": "read", "issues": "write", "id-token": "write", "actions": "read"}


@pytest.mark.parametrize(("workflow", "job"), [("canary.yml", "smoke"), ("deploy-hasura-production.yaml", "smoke")])
def test_smoke_jobs_assume_an_aws_role_by_oidc_and_run_the_prod_smoke_suite(workflow, job):
    data = load(workflow)
    assert data["jobs"][job]["permissions"]["id-token"] == "write"
    aws = step_using(data, "aws-actions/configure-aws-credentials", job)["with"]
    assert re.fullmatch(r"\$\{\{ vars\.\w+ \}\}", aws["role-to-assume"])
    assert aws["aws-region"] == "us-east-1"
    commands = [step.get("run", "").strip() for step in steps(data, job)]
    setup, smoke = commands.index("make setup"), next(i for i, c in enumerate(commands) if c.startswith(SMOKE_PROD))
    assert setup < smoke
    summary = step_running(data, "python -m phenom_client.summary", job)
    assert summary["if"] == "always()" and '>> "$GITHUB_STEP_SUMMARY"' in summary["run"]


def test_canary_publishes_its_metrics_and_writes_a_json_and_a_junit_report():
    smoke = step_running(load("canary.yml"), SMOKE_PROD)["run"]
    assert "--phenom-metrics" in smoke
    assert "--phenom-report canary-report.json" in smoke and "--junitxml canary-junit.xml" in smoke


def test_canary_keeps_both_reports_and_its_outcome_in_the_log_whatever_happened():
    record = step_running(load("canary.yml"), "python -m phenom_client.alerting record canary-report.json")
    assert record["if"] == "always()"
    assert "canary-report.json canary-junit.xml" in record["run"]


def test_canary_uploads_both_reports_as_artifacts_whatever_happened():
    upload = step_using(load("canary.yml"), "actions/upload-artifact")
    assert upload["if"] == "always()"
    assert upload["with"]["path"].split() == ["canary-report.json", "canary-junit.xml"]


def test_the_prod_smoke_command_selects_the_round_trip_and_the_schema_drift_check():
    # What the canary's and the post-deploy smoke's `-m smoke --env prod` collects, asked of pytest itself.
    collected = subprocess.run(
        [
            ".venv/bin/python",
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-m",
            "smoke",
            "--env",
            "prod",
            "-p",
            "no:cacheprovider",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    selected = {line.split("::")[0] for line in collected.stdout.splitlines() if "::" in line}
    assert selected == {"tests/smoke/test_roundtrip.py", "tests/smoke/test_schema_drift.py"}


def test_contract_fetches_main_so_breaking_changes_are_checked_against_it():
    checkout = step_using(load("contract.yml"), "actions/checkout", "suite")
    assert checkout["with"]["fetch-depth"] == 0


def test_canary_leaves_the_issue_to_the_alert_rule_after_every_run():
    workflow = load("canary.yml")
    alert = step_running(workflow, "python -m phenom_client.alerting decide canary-report.json")
    # One step, after every run: the rule, not the job's status, decides (a single red run opens nothing, an
    # infra-error touches nothing), reading the earlier runs' outcome lines and the open issue's body.
    assert alert["if"] == "always()"
    script = alert["run"]
    assert "gh run list --workflow canary.yml --branch main --status completed" in script
    assert "gh run view \"$run_id\" --log | grep -F 'phenom-canary-run: '" in script
    assert "--label canary --state open" in script and "--issue-body canary-issue.md" in script
    for command in ("gh issue create --label canary", "gh issue comment", "gh issue close"):
        assert command in script
    assert '>> "$GITHUB_STEP_SUMMARY"' in script
    assert [step for step in steps(workflow) if "gh issue" in step.get("run", "")] == [alert]


def test_hasura_deploy_runs_on_hasura_changes_to_main_and_on_demand():
    triggers = load("deploy-hasura-production.yaml")["on"]
    assert set(triggers) == {"push", "workflow_dispatch"}
    assert triggers["push"] == {"branches": ["main"], "paths": ["hasura/**"]}


def test_hasura_deploy_applies_migrations_then_metadata_in_production_with_a_pinned_cli():
    workflow = load("deploy-hasura-production.yaml")
    deploy = workflow["jobs"]["deploy"]
    assert deploy["environment"] == "Production"
    assert deploy["env"]["HASURA_CLI_VERSION"] == "v2.48.5"
    assert (
        "releases/download/${HASURA_CLI_VERSION}/cli-hasura-linux-amd64"
        in step_running(workflow, "curl", "deploy")["run"]
    )
    applying = step_running(workflow, "hasura migrate apply", "deploy")
    assert applying["working-directory"] == "hasura"
    assert applying["env"] == {
        "HASURA_ENDPOINT": "${{ vars.HASURA_ENDPOINT }}",
        "HASURA_ADMIN_SECRET": "${{ secrets.HASURA_ADMIN_SECRET }}",
    }
    migrate, metadata = (line.strip() for line in applying["run"].strip().splitlines())
    assert migrate.startswith(
        'hasura migrate apply --endpoint "$HASURA_ENDPOINT" --admin-secret "$HASURA_ADMIN_SECRET"'
    )
    assert "--database-name default" in migrate
    assert metadata.startswith(
        'hasura metadata apply --endpoint "$HASURA_ENDPOINT" --admin-secret "$HASURA_ADMIN_SECRET"'
    )


def test_hasura_deploy_smoke_tests_prod_after_the_apply():
    workflow = load("deploy-hasura-production.yaml")
    assert workflow["jobs"]["smoke"]["needs"] == "deploy"
    assert "environment" not in workflow["jobs"]["smoke"], "the smoke job needs no access to the admin secret"
