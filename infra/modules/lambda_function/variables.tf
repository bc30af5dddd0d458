variable "function_name" {
  description = "Lambda function name, e.g. phenom-prod-hasura-cognito-trigger."
  type        = string
}

variable "description" {
  description = "What the function does, shown in the console."
  type        = string
}

variable "handler" {
  description = "Dotted path of the handler inside the zip, e.g. lambdas.cognito_trigger.handler.handler."
  type        = string
}

variable "package_path" {
  description = "Path of the zip built by `make lambdas` (dist/lambdas/<name>.zip)."
  type        = string
}

variable "runtime" {
  description = "Lambda runtime."
  type        = string
  default     = "python3.12"
}

variable "timeout_seconds" {
  description = "Invocation timeout."
  type        = number
}

variable "memory_mb" {
  description = "Memory size in MB."
  type        = number
  default     = 256
}

variable "reserved_concurrency" {
  description = "Concurrent executions reserved for (and capped at) this function."
  type        = number
}

variable "environment" {
  description = "Environment variables: exactly those the function's config module reads."
  type        = map(string)
}

variable "readable_secret_arns" {
  description = "Secrets the function may read with secretsmanager:GetSecretValue, and nothing else."
  type        = list(string)
}

variable "grant_media_access" {
  description = "Whether the function may read and write the media prefix of media_bucket_arn. It decides whether the grant exists, so it must be known at plan time, unlike the ARN."
  type        = bool
  # No default: checkov scans a module's count with the variable's default, so a default of false would hide the
  # action handler's media policy from the scan; every caller says what it gets.
}

variable "media_bucket_arn" {
  description = "Bucket whose media prefix the function may read and write when grant_media_access is set."
  type        = string
  default     = null

  validation {
    condition     = !var.grant_media_access || var.media_bucket_arn != null
    error_message = "grant_media_access needs media_bucket_arn: pass the media bucket's ARN."
  }
}

variable "media_prefix" {
  description = "Key prefix (with trailing slash) the media grant is limited to."
  type        = string
  default     = "media/"
}

variable "function_url_enabled" {
  description = "Whether the function gets a public Function URL (authorization NONE; it verifies callers itself)."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Days the function's logs are kept."
  type        = number
  default     = 365
}
