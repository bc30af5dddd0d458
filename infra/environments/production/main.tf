# Production: every value that sets it apart from development is an argument of this one call
# (tests/contract/test_infra_environments.py lists them); the stack itself is modules/phenom_stack.
module "stack" {
  source = "../../modules/phenom_stack"

  name_prefix         = "phenom-prod"
  region              = "us-east-1"
  api_hostname        = var.api_hostname
  oauth_callback_urls = var.oauth_callback_urls

  vpc_cidr          = "10.40.0.0/16"
  nat_gateway_count = 2

  db_instance_class = "db.m5.large"

  deletion_protection         = true
  cognito_deletion_protection = "ACTIVE"

  # Bump to generate a new master password and Hasura admin secret (see infra/README.md).
  generated_secrets_version = 1
  # Deleted secrets stay restorable this many days (Secrets Manager's default).
  secret_recovery_window_days = 30

  # The canary: its --env name, the repository its workflow runs in, and the p90 of a round-trip that pages.
  canary_environment     = "prod"
  github_repository      = var.github_repository
  canary_duration_p90_ms = 15000
  # Production creates the account's one GitHub OIDC provider; development looks it up.
  create_github_oidc_provider = true

  action_handler_concurrency  = 50
  cognito_trigger_concurrency = 20
}
