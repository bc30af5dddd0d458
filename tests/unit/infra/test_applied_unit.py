"""The infra fixture's parts that need no terraform: moto's RDS window gap, the generated override, the CLI."""

from __future__ import annotations

import json

import pytest
from moto.rds import models as rds_models
from moto.rds.utils import valid_preferred_maintenance_window

from phenom_infra import cli
from phenom_infra.applied import (
    PROVIDER_ENDPOINTS,
    AppliedEnvironment,
    EnvironmentFacts,
    override_file,
)
from phenom_infra.hcl import parse_file
from phenom_infra.moto_gaps import OVERLAP_MESSAGE, terraform_gaps, windows_overlap

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("maintenance", "backup", "overlap"),
    [
        ("sun:04:00-sun:05:00", "03:00-04:00", False),
        ("sun:03:59-sun:05:00", "03:00-04:00", True),
        ("sun:03:00-sun:03:30", "03:00-04:00", True),
        ("mon:00:00-mon:00:30", "23:30-00:00", False),
        ("mon:00:00-mon:00:30", "23:30-00:15", True),
        ("sun:23:45-mon:00:15", "00:10-01:00", True),
        ("sun:23:45-mon:00:15", "00:15-01:00", False),
        ("wed:10:00-wed:11:00", "03:00-04:00", False),
    ],
)
def test_windows_overlap_only_when_they_share_a_minute(maintenance: str, backup: str, overlap: bool) -> None:
    assert windows_overlap(maintenance, backup) is overlap


def test_moto_refuses_touching_windows_until_the_gap_is_wrapped() -> None:
    # GIVEN moto 5.2.5 as it is: the windows modules/phenom_stack sets only touch, yet moto calls them overlapping
    assert valid_preferred_maintenance_window("sun:04:00-sun:05:00", "03:00-04:00") == OVERLAP_MESSAGE
    with terraform_gaps():
        check = rds_models.valid_preferred_maintenance_window
        assert check("sun:04:00-sun:05:00", "03:00-04:00") is None
        # THEN real overlaps and moto's other checks still fail
        assert check("sun:03:30-sun:05:00", "03:00-04:00") == OVERLAP_MESSAGE
        assert check("sun:04:00-sun:04:10", "03:00-04:00") == "The maintenance window must be at least 30 minutes."
    assert rds_models.valid_preferred_maintenance_window is valid_preferred_maintenance_window


def test_override_points_every_endpoint_at_moto_and_keeps_state_local(tmp_path) -> None:
    path = tmp_path / "override.tf"
    path.write_text(override_file("http://127.0.0.1:4566"))
    parsed = parse_file(path)
    provider = parsed["provider"][0]["aws"]
    assert parsed["terraform"][0]["backend"] == [{"local": {}}]
    assert provider["endpoints"][0] == {service: "http://127.0.0.1:4566" for service in PROVIDER_ENDPOINTS}
    assert provider["s3_use_path_style"] is True and provider["skip_credentials_validation"] is True


def applied_fixture(tmp_path) -> AppliedEnvironment:
    facts = EnvironmentFacts("production", "phenom-prod", "us-east-1", "657033058608", "*.thephenom.app", True)
    return AppliedEnvironment(
        facts=facts,
        aws_endpoint_url="http://127.0.0.1:4566",
        workdir=tmp_path,
        destroy_on_exit=False,
        outputs={"user_pool_id": "us-east-1_x", "media_bucket": "phenom-prod-media-storage"},
        applied_in_seconds=98.04,
    )


def test_summary_is_the_json_line_the_issue_names(tmp_path) -> None:
    summary = applied_fixture(tmp_path).summary()
    assert list(summary) == [
        "environment",
        "name_prefix",
        "aws_endpoint_url",
        "region",
        "account_id",
        "outputs",
        "applied_in_seconds",
    ]
    assert json.loads(json.dumps(summary))["applied_in_seconds"] == 98.0


def test_facts_come_from_the_environments_terraform() -> None:
    assert EnvironmentFacts.read("development") == EnvironmentFacts(
        "development", "phenom-dev", "us-east-1", "657033058608", "*.thephenom.app", False
    )


def test_readable_description_names_the_endpoint_and_outputs(tmp_path) -> None:
    text = cli.describe(applied_fixture(tmp_path))
    assert "http://127.0.0.1:4566" in text and "phenom-prod-media-storage" in text
    assert "destroys" not in text
