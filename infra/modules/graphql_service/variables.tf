variable "name_prefix" {
  description = "Prefix of every name in the environment, e.g. phenom-prod."
  type        = string
}

variable "region" {
  description = "Region of the cluster, for the awslogs driver."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the tasks and the service-discovery namespace."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; the tasks reach Postgres inside it."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets the tasks run in (outbound through the NAT gateways)."
  type        = list(string)
}

variable "alb_security_group_id" {
  description = "Security group of the load balancer, the only inbound source."
  type        = string
}

variable "target_group_arn" {
  description = "ALB target group the service registers its tasks in."
  type        = string
}

variable "image" {
  description = "Hasura graphql-engine image; the local stack runs the same tag."
  type        = string
}

variable "cpu" {
  description = "Task CPU units."
  type        = number
}

variable "memory_mb" {
  description = "Task memory in MB."
  type        = number
}

variable "desired_count" {
  description = "Number of running tasks."
  type        = number
}

variable "container_port" {
  description = "Port graphql-engine listens on."
  type        = number
  default     = 8080
}

variable "jwt_secret" {
  description = "HASURA_GRAPHQL_JWT_SECRET: JSON pointing at the pool's JWKS; holds no key material."
  type        = string
}

variable "action_url" {
  description = "HASURA_ACTION_PHENOM_URL: the action handler's Function URL."
  type        = string
}

variable "app_secrets_arn" {
  description = "Secret holding graphql_admin_secret and database_url, injected by ECS."
  type        = string
}

variable "log_retention_days" {
  description = "Days the container logs are kept."
  type        = number
  default     = 365
}
