"""`terraform plan` works from an empty state: no count or for_each waits for an id or ARN that AWS assigns."""

from __future__ import annotations

from pathlib import Path

import pytest

from phenom_infra.instances import ModuleInstance, environment
from tests.contract.infra.plan_time import ApplyTimeRepetition, apply_time_repetitions

pytestmark = pytest.mark.contract

ENVIRONMENTS = ("production", "development")
# A root that hands a security group's id to a module, the shape of the bug this check was written for.
FIXTURE_ROOT = """
resource "aws_security_group" "client" {
  name = "client"
}

module "database" {
  source = "./database"
  %s
}
"""
FIXTURE_MODULE = """
variable "clients" {
  type = %s
}

variable "enabled" {
  type    = bool
  default = true
}

resource "aws_vpc_security_group_ingress_rule" "postgres" {
  for_each                     = %s
  security_group_id            = "sg-database"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = each.value
}

resource "aws_iam_role_policy" "optional" {
  count  = var.enabled ? 1 : 0
  role   = "role"
  policy = "{}"
}
"""


def root_with_database_module(directory: Path, argument: str, variable_type: str, for_each: str) -> ModuleInstance:
    """A root module in `directory` calling ./database with `argument`, whose rule iterates over `for_each`."""
    (directory / "database").mkdir()
    (directory / "main.tf").write_text(FIXTURE_ROOT % argument, encoding="utf-8")
    (directory / "database" / "main.tf").write_text(FIXTURE_MODULE % (variable_type, for_each), encoding="utf-8")
    return ModuleInstance(directory, "fixture")


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_count_and_for_each_are_known_when_planning_from_empty_state(name: str) -> None:
    found = apply_time_repetitions(environment(name))
    assert [repetition.describe() for repetition in found] == []


def test_check_follows_a_module_argument_back_to_a_resource_id(tmp_path: Path) -> None:
    # GIVEN a for_each over a set of group ids that exist only once the group is created
    root = root_with_database_module(
        tmp_path, "clients = [aws_security_group.client.id]", "list(string)", "toset(var.clients)"
    )
    # THEN the check names the rule and the id it waits for
    assert apply_time_repetitions(root) == [
        ApplyTimeRepetition(
            module="fixture.module.database",
            block='resource "aws_vpc_security_group_ingress_rule" "postgres"',
            argument="for_each",
            expression="${toset(var.clients)}",
            sources=("fixture: aws_security_group.client.id",),
        )
    ]


def test_check_accepts_apply_time_ids_under_keys_written_in_the_configuration(tmp_path: Path) -> None:
    # GIVEN the same ids as the values of a map whose keys are literals, and a count set by a literal flag
    root = root_with_database_module(
        tmp_path, "clients = { client = aws_security_group.client.id }", "map(string)", "var.clients"
    )
    # THEN Terraform can plan both, and the check agrees
    assert apply_time_repetitions(root) == []
