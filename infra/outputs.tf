output "intent_queue_url" {
  description = "URL of the SQS intent queue (null with Kinesis): the producers' WAIL_PRODUCER_QUEUE_URL."
  value       = local.use_sqs ? aws_sqs_queue.intents[0].url : null
}

output "intent_queue_arn" {
  description = "ARN of the SQS intent queue (null with Kinesis)."
  value       = local.use_sqs ? aws_sqs_queue.intents[0].arn : null
}

output "dead_letter_queue_url" {
  description = "URL of the intent queue's dead-letter queue (null with Kinesis)."
  value       = local.use_sqs ? aws_sqs_queue.dlq[0].url : null
}

output "intent_stream_name" {
  description = "Name of the Kinesis intent stream (null with SQS): the producers' WAIL_PRODUCER_STREAM_NAME."
  value       = local.use_kinesis ? aws_kinesis_stream.intents[0].name : null
}

output "intent_stream_arn" {
  description = "ARN of the Kinesis intent stream (null with SQS)."
  value       = local.use_kinesis ? aws_kinesis_stream.intents[0].arn : null
}

output "intent_log_kms_key_arn" {
  description = "KMS key encrypting the intent log (null for SQS-managed encryption)."
  value       = local.log_kms_key_arn
}

output "failure_queue_url" {
  description = "URL of the queue that keeps events the hook function and stream mappings gave up on (null when none)."
  value       = local.needs_failure_queue ? aws_sqs_queue.failures[0].url : null
}

output "functions" {
  description = "Every deployed function by role (consumer, outbox_drain, aurora_hook, ddb_<name>): name, ARN, trigger target, execution role and log group."
  value = { for k, f in local.functions : k => {
    function_name  = f.function_name
    function_arn   = f.function_arn
    target_arn     = f.target_arn
    role_arn       = f.role_arn
    log_group_name = f.log_group_name
  } }
}

output "aurora_invoke_role_arn" {
  description = "The IAM role to attach to Aurora clusters with feature name Lambda (null without the hook)."
  value       = var.producer.aurora_hook.enabled ? aws_iam_role.aurora_invoke[0].arn : null
}

output "aurora_hook_capture_sql" {
  description = "The statement template that captures a table with delivery aws_lambda into this deployment's hook function (run hooks.sql first; replace the table and source)."
  value = var.producer.aurora_hook.enabled ? join("", [
    "SELECT wail.capture('public.orders', source => 'shop', delivery => 'aws_lambda', ",
    "function_name => '${module.aurora_hook[0].target_arn}', region => '${local.region}');",
  ]) : null
}

output "dashboard_name" {
  description = "The CloudWatch dashboard's name (null when disabled)."
  value       = var.monitoring.dashboard_enabled ? aws_cloudwatch_dashboard.this[0].dashboard_name : null
}

output "dashboard_url" {
  description = "The CloudWatch console link to the dashboard (null when disabled)."
  value       = var.monitoring.dashboard_enabled ? "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.this[0].dashboard_name}" : null
}

output "alarm_names" {
  description = "Every alarm the module created."
  value = concat(
    [for a in aws_cloudwatch_metric_alarm.this : a.alarm_name],
    flatten([for k, f in local.functions : [for arn in f.alarm_arns : element(split(":alarm:", arn), 1)]]),
  )
}
