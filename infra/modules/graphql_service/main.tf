locals {
  container_name = "graphql"

  # Secrets reach the container through ECS `secrets` (valueFrom), never as plaintext environment.
  graphql_container = {
    name      = local.container_name
    image     = var.image
    essential = true
    portMappings = [
      {
        containerPort = var.container_port
        protocol      = "tcp"
      },
    ]
    environment = [
      { name = "HASURA_GRAPHQL_ENABLE_CONSOLE", value = "false" },
      # Only the app's operations (hasura/metadata/query_collections.yaml, phenom_client/allowlist.py) run for users.
      { name = "HASURA_GRAPHQL_ENABLE_ALLOWLIST", value = "true" },
      { name = "HASURA_GRAPHQL_JWT_SECRET", value = var.jwt_secret },
      { name = "HASURA_ACTION_PHENOM_URL", value = var.action_url },
    ]
    secrets = [
      { name = "HASURA_GRAPHQL_ADMIN_SECRET", valueFrom = "${var.app_secrets_arn}:graphql_admin_secret::" },
      { name = "HASURA_GRAPHQL_METADATA_DATABASE_URL", valueFrom = "${var.app_secrets_arn}:database_url::" },
      { name = "PG_DATABASE_URL", valueFrom = "${var.app_secrets_arn}:database_url::" },
    ]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.graphql.name
        awslogs-region        = var.region
        awslogs-stream-prefix = local.container_name
      }
    }
  }
}

resource "aws_ecs_cluster" "this" {
  name = "${var.name_prefix}-cluster"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = "${var.name_prefix}.local"
  description = "Private names of the ${var.name_prefix} services."
  vpc         = var.vpc_id
}

resource "aws_service_discovery_service" "graphql" {
  name = local.container_name

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = "A"
      ttl  = 10
    }
  }

  health_check_custom_config {
    failure_threshold = 1
  }
}

resource "aws_cloudwatch_log_group" "graphql" {
  name              = "/ecs/${var.name_prefix}-graphql"
  retention_in_days = var.log_retention_days
}

resource "aws_ecs_task_definition" "graphql" {
  family                   = "${var.name_prefix}-graphql"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory_mb
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([local.graphql_container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
}

resource "aws_security_group" "tasks" {
  name        = "${var.name_prefix}-graphql"
  description = "GraphQL tasks: in from the load balancer only."
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "GraphQL from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = var.alb_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS out: image pull, Secrets Manager, Cognito JWKS, the action Function URL"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "postgres" {
  security_group_id = aws_security_group.tasks.id
  description       = "Postgres inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = var.vpc_cidr
}

resource "aws_ecs_service" "graphql" {
  name             = "${var.name_prefix}-graphql"
  cluster          = aws_ecs_cluster.this.id
  task_definition  = aws_ecs_task_definition.graphql.arn
  launch_type      = "FARGATE"
  platform_version = "LATEST"
  desired_count    = var.desired_count

  health_check_grace_period_seconds = 60

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = local.container_name
    container_port   = var.container_port
  }

  service_registries {
    registry_arn = aws_service_discovery_service.graphql.arn
  }
}
