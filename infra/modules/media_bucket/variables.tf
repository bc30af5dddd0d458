variable "name_prefix" {
  description = "Prefix of every name in the environment, e.g. phenom-prod."
  type        = string
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted object version is kept before S3 expires it."
  type        = number
  default     = 30
}
