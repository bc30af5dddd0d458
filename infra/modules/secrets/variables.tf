variable "name_prefix" {
  description = "Prefix of every name in the environment, e.g. phenom-prod."
  type        = string
}

variable "database_url" {
  description = "Postgres URL Hasura uses (the app secret's database_url key)."
  type        = string
  ephemeral   = true
  sensitive   = true
}

variable "hasura_jwt_secret" {
  description = "The HASURA_GRAPHQL_JWT_SECRET JSON (no key material: it points at the pool's JWKS)."
  type        = string
}

variable "secrets_version" {
  description = "Bump to write a new app secret value (new admin secret, current database URL) on the next apply."
  type        = number
}

variable "recovery_window_days" {
  description = "Days a deleted secret stays restorable (7-30), or 0 to delete it at once."
  type        = number
}
