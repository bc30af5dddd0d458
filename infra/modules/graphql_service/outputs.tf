output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "Name of the GraphQL ECS service."
  value       = aws_ecs_service.graphql.name
}

output "security_group_id" {
  description = "Security group of the GraphQL tasks, allowed into Postgres."
  value       = aws_security_group.tasks.id
}

output "namespace" {
  description = "Service-discovery namespace of the environment."
  value       = aws_service_discovery_private_dns_namespace.this.name
}
