output "function_name" {
  description = "The function's name."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "The function's unqualified ARN."
  value       = aws_lambda_function.this.arn
}

output "target_arn" {
  description = "The ARN triggers should invoke: the alias 'live' with SnapStart, the function otherwise."
  value       = local.qualified_arn
}

output "target_qualifier" {
  description = "The alias name triggers use with SnapStart, or null."
  value       = var.snap_start ? aws_lambda_alias.live[0].name : null
}

output "role_name" {
  description = "The execution role's name."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "The execution role's ARN."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "The function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "alarm_arns" {
  description = "The function's alarms."
  value       = [for alarm in aws_cloudwatch_metric_alarm.function : alarm.arn]
}
