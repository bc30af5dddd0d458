locals {
  identifier = "${var.name_prefix}-postgres"
  port       = 5432
}

resource "aws_db_subnet_group" "this" {
  name        = "${var.name_prefix}-db"
  description = "Private subnets of ${local.identifier}."
  subnet_ids  = var.subnet_ids
}

resource "aws_security_group" "this" {
  name        = "${var.name_prefix}-db"
  description = "Postgres reachable only from the services that use it."
  vpc_id      = var.vpc_id
}

# Keyed by the client's name, not its group id: ids exist only after apply, and for_each keys must be
# known at plan time (infra/README.md tells how the rule once keyed by id keeps its place in state).
resource "aws_vpc_security_group_ingress_rule" "postgres" {
  for_each = var.client_security_groups

  security_group_id            = aws_security_group.this.id
  description                  = "Postgres from a client service"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value
}

resource "aws_db_parameter_group" "this" {
  name        = "${var.name_prefix}-postgres17"
  family      = "postgres17"
  description = "TLS-only connections and slow/DDL statement logging for ${local.identifier}."

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }
}

resource "aws_cloudwatch_log_group" "postgres" {
  for_each = toset(["postgresql", "upgrade"])

  name              = "/aws/rds/instance/${local.identifier}/${each.key}"
  retention_in_days = var.log_retention_days
}

# Terraform does not stop a destroy at the first refusal: RDS's deletion protection once refused only after 80
# of production's 90 resources were gone. While deletion protection is on, this guard makes any plan that would
# destroy or replace the instance fail before anything is deleted (infra/README.md says how to lift it).
resource "terraform_data" "rds_instance_destroy_guard" {
  count = var.deletion_protection ? 1 : 0

  triggers_replace = aws_db_instance.this.id

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_db_instance" "this" {
  identifier     = local.identifier
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class
  db_name        = var.database_name
  port           = local.port

  username            = var.master_username
  password_wo         = ephemeral.aws_secretsmanager_random_password.master.random_password
  password_wo_version = var.credentials_version

  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = var.max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false
  multi_az               = false
  parameter_group_name   = aws_db_parameter_group.this.name

  backup_retention_period   = var.backup_retention_days
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.identifier}-final"
  deletion_protection       = var.deletion_protection

  # The version is pinned to match the local stack's postgres image; upgrades are a reviewed change.
  auto_minor_version_upgrade          = false
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  performance_insights_enabled        = true
  monitoring_interval                 = 60
  monitoring_role_arn                 = aws_iam_role.monitoring.arn

  depends_on = [aws_cloudwatch_log_group.postgres]
}
