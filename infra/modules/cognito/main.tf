resource "aws_cognito_user_pool" "this" {
  name                     = var.name_prefix
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  deletion_protection      = var.deletion_protection

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  password_policy {
    minimum_length                   = 12
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = false
    temporary_password_validity_days = 7
  }

  # The pre-token-generation trigger is the V1 event (basic plan): claims are strings, hence
  # claims_format stringified_json in Hasura's JWT config.
  lambda_config {
    pre_token_generation = var.pre_token_generation_function.arn
    post_confirmation    = var.user_sync_function.arn
    post_authentication  = var.user_sync_function.arn
  }
}

resource "aws_cognito_user_pool_client" "hasura" {
  name         = "${var.name_prefix}-hasura-client"
  user_pool_id = aws_cognito_user_pool.this.id

  generate_secret = false
  explicit_auth_flows = [
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
  ]
  prevent_user_existence_errors = "ENABLED"

  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["implicit"]
  allowed_oauth_scopes                 = ["openid", "email", "profile"]
  supported_identity_providers         = ["COGNITO"]
  callback_urls                        = var.oauth_callback_urls
}

resource "aws_cognito_user_pool_domain" "hosted_ui" {
  domain       = "${var.name_prefix}-hasura-auth"
  user_pool_id = aws_cognito_user_pool.this.id
}

resource "aws_lambda_permission" "pre_token_generation" {
  statement_id  = "AllowCognitoPreTokenGeneration"
  action        = "lambda:InvokeFunction"
  function_name = var.pre_token_generation_function.name
  principal     = "cognito-idp.amazonaws.com"
  source_arn    = aws_cognito_user_pool.this.arn
}

resource "aws_lambda_permission" "user_sync" {
  statement_id  = "AllowCognitoUserSync"
  action        = "lambda:InvokeFunction"
  function_name = var.user_sync_function.name
  principal     = "cognito-idp.amazonaws.com"
  source_arn    = aws_cognito_user_pool.this.arn
}
