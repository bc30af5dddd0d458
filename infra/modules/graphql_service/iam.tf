data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# The execution role starts the container: it writes the container's logs and resolves its secrets.
resource "aws_iam_role" "execution" {
  name               = "${var.name_prefix}-graphql-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "ContainerLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.graphql.arn}:*"]
  }

  statement {
    sid       = "AppSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.app_secrets_arn]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "logs-and-app-secret"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# Hasura itself calls no AWS API, so the task role carries no permissions.
resource "aws_iam_role" "task" {
  name               = "${var.name_prefix}-graphql-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}
