"""The canary's Terraform in each environment: an OIDC role only the canary workflow on main can assume, allowed the
smoke secret and its own metrics and nothing else, and alarms on exactly the metrics the client publishes."""

from __future__ import annotations

import tomllib

import pytest

from phenom_client.environments import ENVIRONMENTS_FILE, step_thresholds
from phenom_client.metrics import NAMESPACE, TOTAL
from phenom_infra.hcl import REPO_ROOT
from phenom_infra.instances import ModuleInstance, stack

pytestmark = pytest.mark.contract

ENVIRONMENTS = {"production": "prod", "development": "dev"}
CANARY_WORKFLOW = ".github/workflows/canary.yml"
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
# The repository is an input of every plan (no default anywhere), so the reader leaves its reference in place.
SUBJECT = (
    "repo:${var.github_repository}:ref:refs/heads/main:"
    f"job_workflow_ref:${{var.github_repository}}/{CANARY_WORKFLOW}@refs/heads/main"
)
SMOKE_SECRET_ARN = "${aws_secretsmanager_secret.smoke_credentials.arn}"
TOPIC = ["${aws_sns_topic.alarms.arn}"]


@pytest.fixture(scope="module", params=sorted(ENVIRONMENTS))
def canary(request: pytest.FixtureRequest) -> tuple[str, ModuleInstance]:
    """(environment, its modules/canary instance), once per environment."""
    return request.param, stack(request.param).module("canary")


def test_the_role_trusts_only_the_canary_workflow_of_this_repository_on_main(canary) -> None:
    _, module = canary
    (statement,) = module.data("aws_iam_policy_document", "trust")["statement"]
    assert statement["actions"] == ["sts:AssumeRoleWithWebIdentity"]
    (principal,) = statement["principals"]
    assert principal["type"] == "Federated"
    assert principal["identifiers"] == [
        "${var.create_github_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn "
        ": data.aws_iam_openid_connect_provider.github[0].arn}"
    ]
    conditions = {condition["variable"]: condition for condition in statement["condition"]}
    assert set(conditions) == {"token.actions.githubusercontent.com:aud", "token.actions.githubusercontent.com:sub"}
    # StringEquals, one exact value each: no wildcard can widen the subject to another branch, workflow or repository.
    assert {condition["test"] for condition in conditions.values()} == {"StringEquals"}
    assert conditions["token.actions.githubusercontent.com:aud"]["values"] == ["sts.amazonaws.com"]
    assert conditions["token.actions.githubusercontent.com:sub"]["values"] == [SUBJECT]
    assert (REPO_ROOT / CANARY_WORKFLOW).is_file()


def test_the_repository_is_an_input_of_each_environment_with_no_default(canary) -> None:
    name, _ = canary
    root = stack(name)
    assert root.caller_argument("github_repository")[1] == "${var.github_repository}"
    assert "default" not in root.caller_argument("github_repository")[0].config.variables["github_repository"]


def test_the_role_may_read_the_smoke_secret_and_put_canary_metrics_and_nothing_else(canary) -> None:
    _, module = canary
    read, publish = module.data("aws_iam_policy_document", "canary")["statement"]
    assert (read["actions"], read["resources"], read.get("condition")) == (
        ["secretsmanager:GetSecretValue"],
        [SMOKE_SECRET_ARN],
        None,
    )
    assert (publish["actions"], publish["resources"]) == (["cloudwatch:PutMetricData"], ["*"])
    assert publish["condition"] == [{"test": "StringEquals", "variable": "cloudwatch:namespace", "values": [NAMESPACE]}]
    assert set(module.resources_of("aws_iam_role_policy")) == {"canary"}
    assert module.resources_of("aws_iam_role_policy_attachment") == {}
    assert module.resource("aws_iam_role_policy", "canary")["role"] == "${aws_iam_role.canary.id}"


def test_one_environment_creates_the_accounts_github_oidc_provider_and_the_other_looks_it_up() -> None:
    created = {name: stack(name).module("canary").argument("create_github_oidc_provider") for name in ENVIRONMENTS}
    assert created == {"production": True, "development": False}
    module = stack("production").module("canary")
    provider = module.resource("aws_iam_openid_connect_provider", "github")
    assert (provider["url"], provider["client_id_list"]) == (GITHUB_ISSUER, ["sts.amazonaws.com"])
    assert module.data("aws_iam_openid_connect_provider", "github")["url"] == GITHUB_ISSUER


def test_success_alarms_on_two_of_three_periods_of_the_runs_success_percent(canary) -> None:
    name, module = canary
    alarm = module.resource("aws_cloudwatch_metric_alarm", "failing")
    assert (alarm["namespace"], alarm["metric_name"]) == (NAMESPACE, "SuccessPercent")
    assert alarm["dimensions"] == {"Environment": ENVIRONMENTS[name], "Step": TOTAL}
    assert (alarm["datapoints_to_alarm"], alarm["evaluation_periods"]) == (2, 3)
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("LessThanThreshold", 100)
    # An infra-error publishes no SuccessPercent: its silence must not count as a failure here.
    assert alarm["treat_missing_data"] == "notBreaching"


def test_slowness_alarms_on_the_p90_of_the_total_duration(canary) -> None:
    name, module = canary
    alarm = module.resource("aws_cloudwatch_metric_alarm", "slow")
    assert (alarm["namespace"], alarm["metric_name"], alarm["extended_statistic"]) == (NAMESPACE, "Duration", "p90")
    assert alarm["dimensions"] == {"Environment": ENVIRONMENTS[name], "Step": TOTAL}
    assert alarm["comparison_operator"] == "GreaterThanThreshold" and alarm["threshold"] > 0


def test_a_canary_that_stops_publishing_breaches_the_dead_mans_switch(canary) -> None:
    name, module = canary
    alarm = module.resource("aws_cloudwatch_metric_alarm", "not_running")
    # InfraError is the one metric every run publishes, infra errors included: its sample count counts the runs.
    assert (alarm["metric_name"], alarm["statistic"]) == ("InfraError", "SampleCount")
    assert alarm["dimensions"] == {"Environment": ENVIRONMENTS[name], "Step": TOTAL}
    assert alarm["treat_missing_data"] == "breaching"
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("LessThanThreshold", 1)


def test_every_alarm_sends_to_the_one_topic(canary) -> None:
    _, module = canary
    alarms = module.resources_of("aws_cloudwatch_metric_alarm")
    assert set(alarms) == {"failing", "slow", "not_running"}
    assert {(tuple(alarm["alarm_actions"]), tuple(alarm["ok_actions"])) for alarm in alarms.values()} == {
        (tuple(TOPIC), tuple(TOPIC))
    }
    assert set(module.resources_of("aws_sns_topic")) == {"alarms"}


def test_the_alarms_watch_an_environment_the_canary_runs_against_within_its_step_limits(canary) -> None:
    name, module = canary
    env = module.argument("environment")
    assert env == ENVIRONMENTS[name]
    assert env in tomllib.loads(ENVIRONMENTS_FILE.read_text(encoding="utf-8"))
    # A total slower than every step's degraded limit added up is slow: the p90 alarm pages before that.
    limits = step_thresholds(env)
    assert module.argument("duration_p90_threshold_ms") <= sum(limit.degraded_ms for limit in limits.values())
