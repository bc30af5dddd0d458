output "identifier" {
  description = "RDS instance identifier."
  value       = aws_db_instance.this.identifier
}

output "address" {
  description = "Private DNS name of the instance."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Postgres port."
  value       = aws_db_instance.this.port
}

output "master_credentials_secret_arn" {
  description = "ARN of the rds/<prefix>-db/credentials secret."
  value       = aws_secretsmanager_secret.master_credentials.arn
}

output "master_credentials_secret_name" {
  description = "Name of the master credentials secret."
  value       = aws_secretsmanager_secret.master_credentials.name
}

output "database_url" {
  description = "Postgres URL for the application (TLS required); ephemeral, so it can only feed write-only arguments."
  ephemeral   = true
  sensitive   = true
  value = format(
    "postgres://%s:%s@%s:%d/%s?sslmode=require",
    var.master_username,
    ephemeral.aws_secretsmanager_random_password.master.random_password,
    aws_db_instance.this.address,
    aws_db_instance.this.port,
    var.database_name,
  )
}
