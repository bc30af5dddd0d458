variable "name_prefix" {
  description = "Prefix of every name in the environment, e.g. phenom-prod."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of the environment's VPC; environments in the shared account use distinct blocks."
  type        = string
}

variable "availability_zones" {
  description = "Availability zones, each with one public and one private subnet; named, so the set never shifts."
  type        = list(string)
}

variable "nat_gateway_count" {
  description = "NAT gateways, one per public subnet from the first; private subnets share them round-robin."
  type        = number

  validation {
    condition     = var.nat_gateway_count >= 1 && var.nat_gateway_count <= length(var.availability_zones)
    error_message = "nat_gateway_count must be between 1 and the number of availability zones."
  }
}

variable "flow_log_retention_days" {
  description = "Days the VPC flow logs are kept."
  type        = number
  default     = 365
}
