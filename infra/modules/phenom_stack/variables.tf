variable "name_prefix" {
  description = "Prefix of every name in the environment, e.g. phenom-prod."
  type        = string
}

variable "region" {
  description = "AWS region of the environment; part of the Cognito issuer and the ECS log configuration."
  type        = string
}

variable "api_hostname" {
  description = "Public hostname of the GraphQL API (a proxied Cloudflare CNAME to the ALB, managed outside Terraform)."
  type        = string
}

variable "oauth_callback_urls" {
  description = "Redirect URLs of the hosted UI's implicit flow."
  type        = list(string)
}

variable "vpc_cidr" {
  description = "CIDR block of the environment's VPC; environments in the shared account use distinct blocks."
  type        = string
}

variable "nat_gateway_count" {
  description = "NAT gateways for the two availability zones (1 or 2)."
  type        = number
}

variable "db_instance_class" {
  description = "RDS instance class of the Postgres database."
  type        = string
}

variable "deletion_protection" {
  description = "Whether AWS refuses to delete the database and the load balancer."
  type        = bool
}

variable "cognito_deletion_protection" {
  description = "ACTIVE to refuse deleting the user pool, INACTIVE to allow it."
  type        = string
}

variable "generated_secrets_version" {
  description = "Bump to generate a new master password and Hasura admin secret together (see infra/README.md)."
  type        = number
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret stays restorable (7-30), or 0 to delete it at once so its name is free again."
  type        = number
}

variable "action_handler_concurrency" {
  description = "Reserved concurrency of the action handler Lambda."
  type        = number
}

variable "cognito_trigger_concurrency" {
  description = "Reserved concurrency of each Cognito trigger Lambda."
  type        = number
}

variable "canary_environment" {
  description = "The canary's --env name for this environment (prod, dev): the Environment dimension of its metrics."
  type        = string
}

variable "github_repository" {
  description = "owner/name of this repository on GitHub: only its canary workflow on main may assume the canary role."
  type        = string
}

variable "create_github_oidc_provider" {
  description = "Whether this environment creates the shared account's one GitHub OIDC provider (else it looks it up)."
  type        = bool
}

variable "canary_duration_p90_ms" {
  description = "Alarm when the p90 of the canary round-trip's total Duration over three hours exceeds this many ms."
  type        = number
}
