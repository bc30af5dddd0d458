# Development: every value that sets it apart from production is an argument of this one call
# (tests/contract/test_infra_environments.py lists them); the stack itself is modules/phenom_stack.
module "stack" {
  source = "../../modules/phenom_stack"

  name_prefix         = "phenom-dev"
  region              = "us-east-1"
  api_hostname        = var.api_hostname
  oauth_callback_urls = var.oauth_callback_urls

  vpc_cidr          = "10.41.0.0/16"
  nat_gateway_count = 1

  db_instance_class = "db.t3.medium"

  deletion_protection         = false
  cognito_deletion_protection = "INACTIVE"

  # Bump to generate a new master password and Hasura admin secret (see infra/README.md).
  generated_secrets_version = 1
  # Deleted at once: a destroyed development applies again without a name clash.
  secret_recovery_window_days = 0

  # The canary: its --env name, the repository its workflow runs in, and the p90 of a round-trip that pages.
  canary_environment     = "dev"
  github_repository      = var.github_repository
  canary_duration_p90_ms = 25000
  # Production creates the account's one GitHub OIDC provider; development looks it up.
  create_github_oidc_provider = false

  action_handler_concurrency  = 10
  cognito_trigger_concurrency = 5
}
