variable "name_prefix" {
  description = "Prefix of every name in the environment; also the user pool's name (phenom-prod)."
  type        = string
}

variable "region" {
  description = "Region of the pool, part of its issuer and JWKS URLs."
  type        = string
}

variable "deletion_protection" {
  description = "ACTIVE to refuse deleting the pool, INACTIVE to allow it."
  type        = string

  validation {
    condition     = contains(["ACTIVE", "INACTIVE"], var.deletion_protection)
    error_message = "deletion_protection must be ACTIVE or INACTIVE."
  }
}

variable "oauth_callback_urls" {
  description = "Redirect URLs the hosted UI's implicit flow may return tokens to."
  type        = list(string)
}

variable "pre_token_generation_function" {
  description = "Name and ARN of the Lambda that adds the Hasura claims to ID tokens."
  type        = object({ name = string, arn = string })
}

variable "user_sync_function" {
  description = "Name and ARN of the Lambda that upserts users after confirmation and authentication."
  type        = object({ name = string, arn = string })
}
