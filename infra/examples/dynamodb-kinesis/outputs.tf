output "intent_stream_name" {
  description = "The Kinesis intent stream."
  value       = module.wail.intent_stream_name
}

output "failure_queue_url" {
  description = "Where the stream mappings keep the batches they gave up on."
  value       = module.wail.failure_queue_url
}

output "functions" {
  description = "The deployed functions."
  value       = module.wail.functions
}

output "dashboard_url" {
  description = "The CloudWatch dashboard."
  value       = module.wail.dashboard_url
}
