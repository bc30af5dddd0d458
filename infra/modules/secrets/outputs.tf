output "app_secrets_arn" {
  description = "ARN of the app secret; available once its first value is written."
  value       = aws_secretsmanager_secret.app.arn
  depends_on  = [aws_secretsmanager_secret_version.app]
}

output "app_secrets_name" {
  description = "Name of the app secret, which the Lambdas get as APP_SECRETS_ID."
  value       = aws_secretsmanager_secret.app.name
}

output "smoke_credentials_arn" {
  description = "ARN of the smoke-credentials secret."
  value       = aws_secretsmanager_secret.smoke_credentials.arn
}

output "smoke_credentials_name" {
  description = "Name of the smoke-credentials secret, which the smoke suite and canary read."
  value       = aws_secretsmanager_secret.smoke_credentials.name
}
