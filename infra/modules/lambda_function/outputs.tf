output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "arn" {
  description = "ARN of the function, for Cognito triggers and permissions."
  value       = aws_lambda_function.this.arn
}

output "role_name" {
  description = "Name of the function's execution role."
  value       = aws_iam_role.this.name
}

output "function_url" {
  description = "The Function URL, or null when it is disabled."
  value       = one(aws_lambda_function_url.this[*].function_url)
}
