"""Destroying: production's is refused before anything is deleted while deletion protection is on, and names RDS;
development's destroys everything and then applies again cleanly. These run after every other applied test."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from phenom_infra.applied import AppliedEnvironment

pytestmark = [pytest.mark.applied, pytest.mark.destroys]

RDS_GUARD = "module.stack.module.database.terraform_data.rds_instance_destroy_guard[0]"


def test_production_destroy_is_refused_naming_rds_and_deletes_nothing(applied_production: AppliedEnvironment) -> None:
    before = applied_production.resource_addresses()
    result = applied_production.destroy()
    # THEN the plan fails on the RDS guard, so Terraform deletes nothing at all
    assert result.returncode != 0
    assert "prevent_destroy" in result.describe() and RDS_GUARD in result.describe()
    assert applied_production.resource_addresses() == before
    prefix = applied_production.facts.name_prefix
    instances = applied_production.client("rds").describe_db_instances()["DBInstances"]
    assert [instance["DBInstanceIdentifier"] for instance in instances] == [f"{prefix}-postgres"]
    functions = applied_production.client("lambda").list_functions()["Functions"]
    assert len(functions) == 3
    assert applied_production.client("cognito-idp").describe_user_pool(
        UserPoolId=applied_production.outputs["user_pool_id"]
    )


def test_production_database_refuses_deletion_itself(applied_production: AppliedEnvironment) -> None:
    # Behind the guard, AWS's own deletion protection refuses too.
    rds = applied_production.client("rds")
    with pytest.raises(ClientError, match="deletion protection"):
        rds.delete_db_instance(
            DBInstanceIdentifier=f"{applied_production.facts.name_prefix}-postgres", SkipFinalSnapshot=True
        )


def test_development_destroys_completely_then_applies_again(applied_development: AppliedEnvironment) -> None:
    before = applied_development.resource_addresses()
    prefix = applied_development.facts.name_prefix
    destroyed = applied_development.destroy()
    assert destroyed.returncode == 0, destroyed.describe()
    assert applied_development.resource_addresses() == []
    assert applied_development.client("rds").describe_db_instances()["DBInstances"] == []
    assert applied_development.client("lambda").list_functions()["Functions"] == []
    assert applied_development.client("cognito-idp").list_user_pools(MaxResults=10)["UserPools"] == []
    secrets = applied_development.client("secretsmanager").list_secrets()["SecretList"]
    assert [secret["Name"] for secret in secrets if secret["Name"].startswith((prefix, "rds/"))] == []
    # WHEN it is applied again: the secrets' names are free at once (no recovery window in development)
    applied_development.apply(phase="apply again")
    assert applied_development.resource_addresses() == before
