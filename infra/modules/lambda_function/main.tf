resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "this" {
  function_name    = var.function_name
  description      = var.description
  role             = aws_iam_role.this.arn
  runtime          = var.runtime
  architectures    = ["x86_64"]
  handler          = var.handler
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  timeout          = var.timeout_seconds
  memory_size      = var.memory_mb

  reserved_concurrent_executions = var.reserved_concurrency

  environment {
    variables = var.environment
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  depends_on = [
    aws_iam_role_policy.logs,
    aws_iam_role_policy_attachment.xray,
  ]
}

resource "aws_lambda_function_url" "this" {
  count = var.function_url_enabled ? 1 : 0

  function_name = aws_lambda_function.this.function_name
  # Hasura cannot sign action calls, so the URL is open and the handler verifies the forwarded Cognito JWT.
  authorization_type = "NONE"
}
