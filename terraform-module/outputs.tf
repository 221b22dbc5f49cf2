output "role_arn" {
  description = "ARN of the role: the orchestration sending role of the Pinpoint email channel."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}

output "role_unique_id" {
  description = "Stable unique id of the role (AROA...)."
  value       = aws_iam_role.this.unique_id
}

output "policy_name" {
  description = "Name of the role's inline permissions policy."
  value       = aws_iam_role_policy.this.name
}
