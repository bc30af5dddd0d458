output "role_arn" {
  description = "Role the canary workflow assumes (the repository variable PHENOM_SMOKE_ROLE_ARN)."
  value       = aws_iam_role.canary.arn
}

output "alarm_topic_arn" {
  description = "SNS topic every canary alarm sends to; subscribe the on-call address to it."
  value       = aws_sns_topic.alarms.arn
}
