variable "name_prefix" {
  description = "Prefix of every name in the environment, e.g. phenom-prod."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer and its targets."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; the load balancer may only send to targets inside it."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets the internet-facing load balancer sits in."
  type        = list(string)
}

variable "certificate_domain" {
  description = "Domain of the existing ACM certificate to serve, e.g. *.thephenom.app."
  type        = string
}

variable "api_hostname" {
  description = "Host header routed to the GraphQL target group (the Cloudflare CNAME)."
  type        = string
}

variable "graphql_port" {
  description = "Port the Hasura container listens on."
  type        = number
}

variable "deletion_protection" {
  description = "Whether AWS refuses to delete the load balancer."
  type        = bool
}
