output "intent_queue_url" {
  description = "The FIFO intent queue."
  value       = module.wail.intent_queue_url
}

output "aurora_invoke_role_arn" {
  description = "Attach to the cluster with feature Lambda (done here when cluster_identifier is set)."
  value       = module.wail.aurora_invoke_role_arn
}

output "aurora_hook_capture_sql" {
  description = "Run after hooks.sql, once per captured table."
  value       = module.wail.aurora_hook_capture_sql
}

output "functions" {
  description = "The deployed functions."
  value       = module.wail.functions
}

output "dashboard_url" {
  description = "The CloudWatch dashboard."
  value       = module.wail.dashboard_url
}
