# Terraform prints only a root module's outputs, so the environment re-exports the stack's
# (described in modules/phenom_stack/outputs.tf).
output "region" { value = module.stack.region }
output "graphql_url" { value = module.stack.graphql_url }
output "alb_dns_name" { value = module.stack.alb_dns_name }
output "user_pool_id" { value = module.stack.user_pool_id }
output "app_client_id" { value = module.stack.app_client_id }
output "action_function_url" { value = module.stack.action_function_url }
output "media_bucket" { value = module.stack.media_bucket }
output "app_secrets_id" { value = module.stack.app_secrets_id }
output "smoke_credentials_secret_id" { value = module.stack.smoke_credentials_secret_id }
output "canary_role_arn" { value = module.stack.canary_role_arn }
output "canary_alarm_topic_arn" { value = module.stack.canary_alarm_topic_arn }
