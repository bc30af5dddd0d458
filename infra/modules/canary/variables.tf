variable "name_prefix" {
  description = "Prefix of every name, e.g. phenom-prod."
  type        = string
}

variable "environment" {
  description = "The Environment dimension the canary publishes under: its --env name (prod, dev)."
  type        = string
}

variable "github_repository" {
  description = "owner/name of the GitHub repository whose canary workflow, on main, may assume the canary role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name, e.g. thephenom/phenom-backend."
  }
}

variable "create_github_oidc_provider" {
  description = "Whether this environment creates the account's one GitHub OIDC provider (else it looks it up)."
  type        = bool
}

variable "smoke_secret_arn" {
  description = "ARN of the smoke-credentials secret, the one secret the canary may read."
  type        = string
}

variable "duration_p90_threshold_ms" {
  description = "Alarm when the p90 of the round-trip's total Duration over three hours exceeds this many ms."
  type        = number
}
