output "vpc_id" {
  description = "ID of the environment's VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC, for rules that address the whole network."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets (ALB, NAT gateways)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets (RDS, ECS tasks), routed through the NAT gateways."
  value       = aws_subnet.private[*].id
}

output "nat_gateway_ids" {
  description = "NAT gateways of the environment."
  value       = aws_nat_gateway.this[*].id
}
