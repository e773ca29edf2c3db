# The intent log: an SQS queue (standard or FIFO) with its dead-letter queue, or a Kinesis stream; plus the failure
# queue that keeps what stream mappings and asynchronous invocations gave up on.

locals {
  fifo_suffix     = local.fifo ? ".fifo" : ""
  queue_name      = coalesce(var.intent_log.sqs.queue_name, "${var.name}-intents${local.fifo_suffix}")
  dlq_name        = "${trimsuffix(local.queue_name, ".fifo")}-dlq${local.fifo_suffix}"
  sqs_kms_key_arn = var.intent_log.sqs.kms_key_arn
  stream_name     = coalesce(var.intent_log.kinesis.stream_name, "${var.name}-intents")
  stream_kms_key  = local.use_kinesis ? coalesce(var.intent_log.kinesis.kms_key_arn, try(aws_kms_key.stream[0].arn, null)) : null

  # The queue or stream the producers write and the consumer reads.
  log_arn = local.use_sqs ? aws_sqs_queue.intents[0].arn : aws_kinesis_stream.intents[0].arn

  # KMS permissions the log's encryption requires (none with SQS-managed keys).
  log_kms_key_arn = local.use_sqs ? local.sqs_kms_key_arn : local.stream_kms_key
}

resource "aws_sqs_queue" "dlq" {
  count                             = local.use_sqs ? 1 : 0
  name                              = local.dlq_name
  fifo_queue                        = local.fifo
  message_retention_seconds         = var.intent_log.sqs.dlq_message_retention_seconds
  sqs_managed_sse_enabled           = local.sqs_kms_key_arn == null ? true : null
  kms_master_key_id                 = local.sqs_kms_key_arn
  kms_data_key_reuse_period_seconds = local.sqs_kms_key_arn == null ? null : var.intent_log.sqs.kms_data_key_reuse_period_seconds

  tags = var.tags
}

resource "aws_sqs_queue" "intents" {
  count                             = local.use_sqs ? 1 : 0
  name                              = local.queue_name
  fifo_queue                        = local.fifo
  visibility_timeout_seconds        = var.intent_log.sqs.visibility_timeout_seconds
  message_retention_seconds         = var.intent_log.sqs.message_retention_seconds
  sqs_managed_sse_enabled           = local.sqs_kms_key_arn == null ? true : null
  kms_master_key_id                 = local.sqs_kms_key_arn
  kms_data_key_reuse_period_seconds = local.sqs_kms_key_arn == null ? null : var.intent_log.sqs.kms_data_key_reuse_period_seconds

  # The same number is the consumer's WAIL_CONSUMER_MAX_RECEIVE_COUNT, so it records a dead letter on the last receive.
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq[0].arn
    maxReceiveCount     = var.intent_log.sqs.max_receive_count
  })

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.intent_log.sqs.visibility_timeout_seconds >= var.consumer.timeout
      error_message = "intent_log.sqs.visibility_timeout_seconds must be at least consumer.timeout (Lambda refuses the mapping otherwise; AWS advises 6 times)."
    }
  }
}

resource "aws_kms_key" "stream" {
  count                   = local.use_kinesis && var.intent_log.kinesis.kms_key_arn == null ? 1 : 0
  description             = "wail ${var.name}: encrypts the intent stream"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

resource "aws_kms_alias" "stream" {
  count         = length(aws_kms_key.stream)
  name          = "alias/${var.name}-intents"
  target_key_id = aws_kms_key.stream[0].key_id
}

resource "aws_kinesis_stream" "intents" {
  count            = local.use_kinesis ? 1 : 0
  name             = local.stream_name
  retention_period = var.intent_log.kinesis.retention_period_hours
  shard_count      = var.intent_log.kinesis.mode == "PROVISIONED" ? var.intent_log.kinesis.shard_count : null
  encryption_type  = "KMS"
  kms_key_id       = local.stream_kms_key

  stream_mode_details {
    stream_mode = var.intent_log.kinesis.mode
  }

  tags = var.tags
}

resource "aws_sqs_queue" "failures" {
  count                     = local.needs_failure_queue ? 1 : 0
  name                      = "${var.name}-failures"
  message_retention_seconds = var.monitoring.failure_queue_retention_seconds
  sqs_managed_sse_enabled   = var.encryption.failure_queue_kms_key_arn == null ? true : null
  kms_master_key_id         = var.encryption.failure_queue_kms_key_arn
  tags                      = var.tags
}
