"""The canary's AWS half, applied into moto and read back through IAM, CloudWatch and SNS: the role only the canary
workflow on main may assume, allowed exactly the smoke secret and the Phenom/Canary metrics, and the three alarms that
page one topic (infra/modules/canary)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from phenom_infra.applied import APPLIED_VARIABLES, GITHUB_OIDC_URL, AppliedEnvironment

pytestmark = pytest.mark.applied

NAMESPACE = "Phenom/Canary"
CANARY_WORKFLOW_ON_MAIN = (
    "repo:{repo}:ref:refs/heads/main:job_workflow_ref:{repo}/.github/workflows/canary.yml@refs/heads/main"
)


@pytest.fixture(scope="session")
def environments(applied_production: AppliedEnvironment, applied_development: AppliedEnvironment):
    """Both applied environments: each has a canary of its own."""
    return (applied_production, applied_development)


def _role(applied: AppliedEnvironment) -> dict[str, Any]:
    return applied.client("iam").get_role(RoleName=f"{applied.facts.name_prefix}-canary")["Role"]


def _policy_document(document: Any) -> dict[str, Any]:
    # IAM hands policy documents back URL-decoded into a dict by boto3, or as JSON text by moto.
    return json.loads(document) if isinstance(document, str) else document


def _alarms(applied: AppliedEnvironment) -> dict[str, dict[str, Any]]:
    prefix = f"{applied.facts.name_prefix}-canary-"
    found = applied.client("cloudwatch").describe_alarms(AlarmNamePrefix=prefix)["MetricAlarms"]
    return {alarm["AlarmName"].removeprefix(prefix): alarm for alarm in found}


@pytest.mark.parametrize("index", [0, 1], ids=["production", "development"])
def test_the_role_trusts_only_the_canary_workflow_on_main(environments, index: int) -> None:
    applied = environments[index]
    [statement] = _policy_document(_role(applied)["AssumeRolePolicyDocument"])["Statement"]
    provider = next(
        arn
        for arn in (
            p["Arn"] for p in applied.client("iam").list_open_id_connect_providers()["OpenIDConnectProviderList"]
        )
        if arn.endswith(GITHUB_OIDC_URL.removeprefix("https://"))
    )
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {"Federated": provider}
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": CANARY_WORKFLOW_ON_MAIN.format(
                repo=APPLIED_VARIABLES["github_repository"]
            ),
        }
    }


@pytest.mark.parametrize("index", [0, 1], ids=["production", "development"])
def test_the_role_may_read_the_smoke_secret_and_publish_canary_metrics_only(environments, index: int) -> None:
    applied = environments[index]
    iam = applied.client("iam")
    role_name = _role(applied)["RoleName"]
    assert iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"] == []
    [policy_name] = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    statements = _policy_document(iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"])[
        "Statement"
    ]
    smoke_secret = applied.client("secretsmanager").describe_secret(
        SecretId=f"{applied.facts.name_prefix}-smoke-credentials"
    )["ARN"]
    allowed = {
        (statement["Action"], json.dumps(statement["Resource"]), json.dumps(statement.get("Condition"), sort_keys=True))
        for statement in statements
        if statement["Effect"] == "Allow"
    }
    assert allowed == {
        ("secretsmanager:GetSecretValue", json.dumps(smoke_secret), "null"),
        (
            "cloudwatch:PutMetricData",
            json.dumps("*"),
            json.dumps({"StringEquals": {"cloudwatch:namespace": NAMESPACE}}, sort_keys=True),
        ),
    }


@pytest.mark.parametrize("index", [0, 1], ids=["production", "development"])
def test_three_alarms_page_one_topic_and_missing_runs_breach(environments, index: int) -> None:
    applied = environments[index]
    alarms = _alarms(applied)
    topic = f"arn:aws:sns:{applied.facts.region}:{applied.facts.account_id}:{applied.facts.name_prefix}-canary-alarms"
    assert sorted(alarms) == ["failing", "not-running", "slow"]
    assert {alarm["Namespace"] for alarm in alarms.values()} == {NAMESPACE}
    assert {tuple(alarm["AlarmActions"]) for alarm in alarms.values()} == {(topic,)}
    assert topic in [entry["TopicArn"] for entry in applied.client("sns").list_topics()["Topics"]]
    failing, slow, not_running = alarms["failing"], alarms["slow"], alarms["not-running"]
    assert (failing["MetricName"], failing["EvaluationPeriods"], failing["DatapointsToAlarm"]) == (
        "SuccessPercent",
        3,
        2,
    )
    assert (slow["MetricName"], slow["ExtendedStatistic"]) == ("Duration", "p90")
    assert (not_running["TreatMissingData"], failing["TreatMissingData"]) == ("breaching", "notBreaching")
