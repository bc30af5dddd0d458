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

# Neither the workflows nor the production page name the GitHub owner of phenom-backend, so every plan and apply
# passes it: -var github_repository=<owner>/phenom-backend (or TF_VAR_github_repository).
variable "github_repository" {
  description = "owner/name of this repository on GitHub, trusted (canary workflow on main only) by the canary role."
  type        = string
}
