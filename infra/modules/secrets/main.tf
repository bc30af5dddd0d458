ephemeral "aws_secretsmanager_random_password" "graphql_admin_secret" {
  password_length     = 48
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "app" {
  name        = "${var.name_prefix}-app-secrets"
  description = "Hasura admin secret, database URL and JWT config of ${var.name_prefix}."

  recovery_window_in_days = var.recovery_window_days
}

# Write-only: the generated values go to Secrets Manager and never into the Terraform state.
resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string_wo = jsonencode({
    database_url         = var.database_url
    jwt_secret           = var.hasura_jwt_secret
    graphql_admin_secret = ephemeral.aws_secretsmanager_random_password.graphql_admin_secret.random_password
  })
  secret_string_wo_version = var.secrets_version
}

# The smoke suite and the canary read {"username", "password"} from here; the value is put by hand
# (see infra/README.md), so Terraform owns the secret but never a version of it.
resource "aws_secretsmanager_secret" "smoke_credentials" {
  name        = "${var.name_prefix}-smoke-credentials"
  description = "Username and password of the ${var.name_prefix} smoke-test account."

  recovery_window_in_days = var.recovery_window_days
}
