output "name" {
  description = "Bucket name, which the action handler gets as MEDIA_BUCKET."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "Bucket ARN, for IAM policies."
  value       = aws_s3_bucket.this.arn
}
