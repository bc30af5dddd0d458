variable "name_prefix" {
  description = "Prefix of every name in the environment, e.g. phenom-prod."
  type        = string
}

variable "vpc_id" {
  description = "VPC the database lives in."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the DB subnet group; the instance is never public."
  type        = list(string)
}

variable "client_security_groups" {
  description = "Security groups allowed to open connections on the Postgres port, by client name; the names key the rules, so they must be written in the configuration, while the ids may be known only after apply."
  type        = map(string)
}

variable "engine_version" {
  description = "Exact Postgres version; minor upgrades go through a change here, not automatically."
  type        = string
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
}

variable "allocated_storage_gb" {
  description = "Initial gp3 storage in GB."
  type        = number
}

variable "max_allocated_storage_gb" {
  description = "Upper limit of storage autoscaling in GB."
  type        = number
}

variable "backup_retention_days" {
  description = "Days automated backups are kept."
  type        = number
}

variable "backup_window" {
  description = "Daily backup window, UTC (hh24:mi-hh24:mi)."
  type        = string
}

variable "maintenance_window" {
  description = "Weekly maintenance window, UTC (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
}

variable "deletion_protection" {
  description = "Whether RDS refuses to delete the instance (must be flipped off before a destroy)."
  type        = bool
}

variable "database_name" {
  description = "Database created on the instance, which Hasura uses for metadata and data."
  type        = string
  default     = "phenom"
}

variable "master_username" {
  description = "Master user name, also stored in the credentials secret."
  type        = string
  default     = "phenom_admin"
}

variable "credentials_version" {
  description = "Bump to generate and store a new master password; move it with the app secret's secrets_version, which holds the database URL."
  type        = number
}

variable "log_retention_days" {
  description = "Days the exported Postgres logs are kept."
  type        = number
  default     = 365
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret stays restorable (7-30), or 0 to delete it at once."
  type        = number
}
