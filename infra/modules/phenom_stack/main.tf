# One Phenom environment: every module and how they feed each other. Each root under environments/
# calls this once, with the values that set that environment apart.
locals {
  graphql_url = "https://${var.api_hostname}/v1/graphql"
  # path.root, not path.module: the zips sit relative to the environment directory Terraform runs in
  # (infra/environments/<env>), and the functions' stored filename stays what it was before this module.
  lambda_packages = "${path.root}/../../../dist/lambdas"

  # HASURA_GRAPHQL_JWT_SECRET: the local stack passes Hasura the same shape for its own pool.
  hasura_jwt_config = {
    type             = "RS256"
    jwk_url          = module.cognito.jwks_url
    claims_namespace = "https://hasura.io/jwt/claims"
    claims_format    = "stringified_json"
    audience         = module.cognito.app_client_id
    issuer           = module.cognito.issuer
  }
}

module "network" {
  source = "../network"

  name_prefix        = var.name_prefix
  vpc_cidr           = var.vpc_cidr
  availability_zones = ["us-east-1a", "us-east-1b"]
  nat_gateway_count  = var.nat_gateway_count
}

module "database" {
  source = "../database"

  name_prefix            = var.name_prefix
  vpc_id                 = module.network.vpc_id
  subnet_ids             = module.network.private_subnet_ids
  client_security_groups = { graphql = module.graphql.security_group_id }

  engine_version              = "17.4"
  instance_class              = var.db_instance_class
  allocated_storage_gb        = 20
  max_allocated_storage_gb    = 100
  backup_retention_days       = 7
  backup_window               = "03:00-04:00"
  maintenance_window          = "sun:04:00-sun:05:00"
  deletion_protection         = var.deletion_protection
  credentials_version         = var.generated_secrets_version
  secret_recovery_window_days = var.secret_recovery_window_days
}

module "secrets" {
  source = "../secrets"

  name_prefix          = var.name_prefix
  database_url         = module.database.database_url
  hasura_jwt_secret    = jsonencode(local.hasura_jwt_config)
  secrets_version      = var.generated_secrets_version
  recovery_window_days = var.secret_recovery_window_days
}

module "media_bucket" {
  source = "../media_bucket"

  name_prefix = var.name_prefix
}

module "cognito_trigger" {
  source = "../lambda_function"

  function_name        = "${var.name_prefix}-hasura-cognito-trigger"
  description          = "Cognito pre-token-generation: adds the Hasura claims to ID tokens."
  handler              = "lambdas.cognito_trigger.handler.handler"
  package_path         = "${local.lambda_packages}/cognito_trigger.zip"
  timeout_seconds      = 5
  reserved_concurrency = var.cognito_trigger_concurrency
  readable_secret_arns = [module.secrets.app_secrets_arn]
  grant_media_access   = false
  environment = {
    APP_SECRETS_ID     = module.secrets.app_secrets_name
    HASURA_GRAPHQL_URL = local.graphql_url
  }
}

module "cognito_sync_users" {
  source = "../lambda_function"

  function_name        = "${var.name_prefix}-hasura-cognito-sync-users"
  description          = "Cognito post-confirmation and post-authentication: upserts the user into Hasura."
  handler              = "lambdas.cognito_sync_users.handler.handler"
  package_path         = "${local.lambda_packages}/cognito_sync_users.zip"
  timeout_seconds      = 5
  reserved_concurrency = var.cognito_trigger_concurrency
  readable_secret_arns = [module.secrets.app_secrets_arn]
  grant_media_access   = false
  environment = {
    APP_SECRETS_ID     = module.secrets.app_secrets_name
    HASURA_GRAPHQL_URL = local.graphql_url
  }
}

module "cognito" {
  source = "../cognito"

  name_prefix         = var.name_prefix
  region              = var.region
  deletion_protection = var.cognito_deletion_protection
  oauth_callback_urls = var.oauth_callback_urls

  pre_token_generation_function = {
    name = module.cognito_trigger.function_name
    arn  = module.cognito_trigger.arn
  }
  user_sync_function = {
    name = module.cognito_sync_users.function_name
    arn  = module.cognito_sync_users.arn
  }
}

module "action_handler" {
  source = "../lambda_function"

  function_name        = "${var.name_prefix}-hasura-action-phenom-handler"
  description          = "Hasura actions createPhenom, getPhenoms and deletePhenom behind a Function URL."
  handler              = "lambdas.action_handler.handler.handler"
  package_path         = "${local.lambda_packages}/action_handler.zip"
  timeout_seconds      = 30
  reserved_concurrency = var.action_handler_concurrency
  readable_secret_arns = [module.secrets.app_secrets_arn]
  grant_media_access   = true
  media_bucket_arn     = module.media_bucket.arn
  function_url_enabled = true
  environment = {
    APP_SECRETS_ID        = module.secrets.app_secrets_name
    MEDIA_BUCKET          = module.media_bucket.name
    HASURA_GRAPHQL_URL    = local.graphql_url
    COGNITO_USER_POOL_ID  = module.cognito.user_pool_id
    COGNITO_APP_CLIENT_ID = module.cognito.app_client_id
  }
}

module "alb" {
  source = "../alb"

  name_prefix         = var.name_prefix
  vpc_id              = module.network.vpc_id
  vpc_cidr            = module.network.vpc_cidr
  public_subnet_ids   = module.network.public_subnet_ids
  certificate_domain  = "*.thephenom.app"
  api_hostname        = var.api_hostname
  graphql_port        = 8080
  deletion_protection = var.deletion_protection
}

module "graphql" {
  source = "../graphql_service"

  name_prefix           = var.name_prefix
  region                = var.region
  vpc_id                = module.network.vpc_id
  vpc_cidr              = module.network.vpc_cidr
  private_subnet_ids    = module.network.private_subnet_ids
  alb_security_group_id = module.alb.security_group_id
  target_group_arn      = module.alb.graphql_target_group_arn

  image          = "nhost/graphql-engine:v2.48.5-ce"
  cpu            = 512
  memory_mb      = 1024
  desired_count  = 1
  container_port = 8080

  jwt_secret      = jsonencode(local.hasura_jwt_config)
  action_url      = module.action_handler.function_url
  app_secrets_arn = module.secrets.app_secrets_arn
}

module "canary" {
  source = "../canary"

  name_prefix                 = var.name_prefix
  environment                 = var.canary_environment
  github_repository           = var.github_repository
  create_github_oidc_provider = var.create_github_oidc_provider
  smoke_secret_arn            = module.secrets.smoke_credentials_arn
  duration_p90_threshold_ms   = var.canary_duration_p90_ms
}

# A presigned PUT stays valid for 300 s, so an upload can land during or after its phenom's deletePhenom and no row
# would ever name it. S3 tells the action handler of every new object under media/: it removes objects no media row
# names and marks the others uploaded (lambdas/action_handler/uploads.py), within seconds of the PUT.
resource "aws_lambda_permission" "media_uploaded" {
  statement_id  = "AllowS3MediaUploaded"
  action        = "lambda:InvokeFunction"
  function_name = module.action_handler.function_name
  principal     = "s3.amazonaws.com"
  source_arn    = module.media_bucket.arn
}

resource "aws_s3_bucket_notification" "media_uploaded" {
  bucket = module.media_bucket.name

  lambda_function {
    id                  = "media-uploaded"
    lambda_function_arn = module.action_handler.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = "media/"
  }

  depends_on = [aws_lambda_permission.media_uploaded]
}
