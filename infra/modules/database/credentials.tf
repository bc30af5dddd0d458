# The password is ephemeral and reaches AWS only through write-only arguments, so it never enters the state.
ephemeral "aws_secretsmanager_random_password" "master" {
  password_length     = 40
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "master_credentials" {
  name        = "rds/${var.name_prefix}-db/credentials"
  description = "Master credentials of ${var.name_prefix}-postgres ({username, password})."

  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "master_credentials" {
  secret_id = aws_secretsmanager_secret.master_credentials.id
  secret_string_wo = jsonencode({
    username = var.master_username
    password = ephemeral.aws_secretsmanager_random_password.master.random_password
  })
  secret_string_wo_version = var.credentials_version
}
