output "region" {
  description = "AWS region of the environment."
  value       = var.region
}

output "graphql_url" {
  description = "Public GraphQL endpoint (through Cloudflare to the ALB)."
  value       = local.graphql_url
}

output "alb_dns_name" {
  description = "Target of the proxied Cloudflare CNAME for api_hostname."
  value       = module.alb.dns_name
}

output "user_pool_id" {
  description = "Cognito user pool ID."
  value       = module.cognito.user_pool_id
}

output "app_client_id" {
  description = "Cognito app client ID (the Hasura JWT audience)."
  value       = module.cognito.app_client_id
}

output "action_function_url" {
  description = "Function URL of the action handler (HASURA_ACTION_PHENOM_URL)."
  value       = module.action_handler.function_url
}

output "media_bucket" {
  description = "Bucket for phenom uploads."
  value       = module.media_bucket.name
}

output "app_secrets_id" {
  description = "Secret holding graphql_admin_secret, database_url and jwt_secret."
  value       = module.secrets.app_secrets_name
}

output "smoke_credentials_secret_id" {
  description = "Secret the smoke suite and canary read the smoke account from (value set by hand)."
  value       = module.secrets.smoke_credentials_name
}

output "canary_role_arn" {
  description = "Role the canary workflow assumes by OIDC (the repository variable PHENOM_CANARY_ROLE_ARN)."
  value       = module.canary.role_arn
}

output "canary_alarm_topic_arn" {
  description = "SNS topic of the canary's alarms; subscribe the on-call address to it."
  value       = module.canary.alarm_topic_arn
}
