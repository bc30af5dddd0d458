# Everything that makes this environment development rather than production: smaller and cheaper,
# and free to be torn down. tests/contract/test_infra_environments.py lists the differences.
locals {
  environment = "development"
  name_prefix = "phenom-dev"
  region      = "us-east-1"

  vpc_cidr          = "10.41.0.0/16"
  nat_gateway_count = 1

  db_instance_class = "db.t3.medium"

  deletion_protection         = false
  cognito_deletion_protection = "INACTIVE"

  # Bump to generate a new master password and Hasura admin secret (see infra/README.md).
  generated_secrets_version = 1

  action_handler_concurrency  = 10
  cognito_trigger_concurrency = 5
}
