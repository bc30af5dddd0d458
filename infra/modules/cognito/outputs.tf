output "user_pool_id" {
  description = "ID of the user pool."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool."
  value       = aws_cognito_user_pool.this.arn
}

output "app_client_id" {
  description = "ID of the Hasura app client: the audience of the pool's ID tokens."
  value       = aws_cognito_user_pool_client.hasura.id
}

output "issuer" {
  description = "The iss claim of the pool's tokens."
  value       = "https://cognito-idp.${var.region}.amazonaws.com/${aws_cognito_user_pool.this.id}"
}

output "jwks_url" {
  description = "Where the pool publishes its signing keys."
  value       = "https://cognito-idp.${var.region}.amazonaws.com/${aws_cognito_user_pool.this.id}/.well-known/jwks.json"
}

output "hosted_ui_domain" {
  description = "Prefix of the hosted UI domain (<domain>.auth.<region>.amazoncognito.com)."
  value       = aws_cognito_user_pool_domain.hosted_ui.domain
}
