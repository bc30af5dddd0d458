output "dns_name" {
  description = "DNS name of the load balancer, the target of the Cloudflare CNAME."
  value       = aws_lb.this.dns_name
}

output "security_group_id" {
  description = "Security group of the load balancer, allowed into the targets."
  value       = aws_security_group.this.id
}

output "graphql_target_group_arn" {
  description = "Target group of the GraphQL service, ready once the listeners exist."
  value       = aws_lb_target_group.graphql.arn
  depends_on  = [aws_lb_listener.http, aws_lb_listener.https]
}
