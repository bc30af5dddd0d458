# The canary as a monitor: the role its GitHub workflow assumes by OIDC, and the alarms on the metrics it publishes
# (phenom_client/metrics.py), all sending to one SNS topic.
locals {
  namespace       = "Phenom/Canary"
  github_oidc_url = "https://token.actions.githubusercontent.com"
  github_audience = "sts.amazonaws.com"
  # The subject of the canary job's token once the repository's OIDC subject template includes job_workflow_ref
  # (infra/README.md, "The canary"): this repository, the main branch, and the canary workflow as it is on main.
  canary_subject    = "repo:${var.github_repository}:ref:refs/heads/main:job_workflow_ref:${var.github_repository}/.github/workflows/canary.yml@refs/heads/main"
  oidc_provider_arn = var.create_github_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn
  run_dimensions = {
    Environment = var.environment
    Step        = "total"
  }
}

# An account holds one provider per issuer URL; production and development share the account, so one creates it.
resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 1 : 0

  url            = local.github_oidc_url
  client_id_list = [local.github_audience]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 0 : 1

  url = local.github_oidc_url
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = [local.github_audience]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [local.canary_subject]
    }
  }
}

resource "aws_iam_role" "canary" {
  name                 = "${var.name_prefix}-canary"
  description          = "Assumed by the canary workflow on main: reads the smoke secret, publishes Phenom/Canary."
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "canary" {
  statement {
    sid       = "ReadSmokeCredentials"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.smoke_secret_arn]
  }

  # PutMetricData takes no resource; the namespace condition is what confines it.
  statement {
    sid       = "PublishCanaryMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [local.namespace]
    }
  }
}

resource "aws_iam_role_policy" "canary" {
  name   = "smoke-secret-and-canary-metrics"
  role   = aws_iam_role.canary.id
  policy = data.aws_iam_policy_document.canary.json
}

resource "aws_sns_topic" "alarms" {
  name = "${var.name_prefix}-canary-alarms"
}

# The round-trip failed in 2 of the last 3 half-hour periods: one red run alone does not page. An infra-error
# publishes no SuccessPercent, so its periods are missing and count for nothing here.
resource "aws_cloudwatch_metric_alarm" "failing" {
  alarm_name          = "${var.name_prefix}-canary-failing"
  alarm_description   = "The smoke round-trip failed in 2 of the last 3 half-hour periods (README: The canary)."
  namespace           = local.namespace
  metric_name         = "SuccessPercent"
  dimensions          = local.run_dimensions
  statistic           = "Average"
  period              = 1800
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  comparison_operator = "LessThanThreshold"
  threshold           = 100
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

# Slow before it fails: the p90 of the total over six runs.
resource "aws_cloudwatch_metric_alarm" "slow" {
  alarm_name          = "${var.name_prefix}-canary-slow"
  alarm_description   = "The p90 of the smoke round-trip's total Duration over 3 hours is over its limit."
  namespace           = local.namespace
  metric_name         = "Duration"
  dimensions          = local.run_dimensions
  extended_statistic  = "p90"
  period              = 10800
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.duration_p90_threshold_ms
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

# The dead-man's switch: every run, infra errors included, publishes InfraError, so its sample count counts the runs.
# Two hours without one (GitHub delays, drops or disables scheduled runs) is missing data, and missing data breaches.
resource "aws_cloudwatch_metric_alarm" "not_running" {
  alarm_name          = "${var.name_prefix}-canary-not-running"
  alarm_description   = "The canary has published nothing for 2 hours: its workflow is not running (README: The canary)."
  namespace           = local.namespace
  metric_name         = "InfraError"
  dimensions          = local.run_dimensions
  statistic           = "SampleCount"
  period              = 3600
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}
