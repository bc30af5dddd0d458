variable "api_hostname" {
  description = "Public hostname of the GraphQL API: a proxied Cloudflare CNAME to alb_dns_name, managed outside Terraform."
  type        = string
  default     = "api.thephenom.app"
}

variable "oauth_callback_urls" {
  description = "Redirect URLs of the hosted UI's implicit flow."
  type        = list(string)
  default     = ["https://thephenom.app/auth/callback"]
}
