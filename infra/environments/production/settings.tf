# Everything that makes this environment production rather than development. main.tf, outputs.tf
# and providers.tf are the same in both; tests/contract/test_infra_environments.py lists the differences.
locals {
  environment = "production"
  name_prefix = "phenom-prod"
  region      = "us-east-1"

  vpc_cidr          = "10.40.0.0/16"
  nat_gateway_count = 2

  db_instance_class = "db.m5.large"

  deletion_protection         = true
  cognito_deletion_protection = "ACTIVE"

  # Bump to generate a new master password and Hasura admin secret (see infra/README.md).
  generated_secrets_version = 1

  action_handler_concurrency  = 50
  cognito_trigger_concurrency = 20
}
