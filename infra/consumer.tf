# The consumer function and its event source mapping on the intent log.

locals {
  consumer_handler = local.use_sqs ? "consumer-sqs" : "consumer-kinesis"

  # Messages (SQS) or records (Kinesis) per invocation: 10 is SQS's most without a batching window; both carry packed
  # intents, so a batch is already hundreds to thousands of intents.
  consumer_batch_size = coalesce(var.consumer.batch_size, local.use_sqs ? 10 : 100)

  consumer_environment = merge(var.consumer.settings, local.secret_environment,
    { QUARKUS_DATASOURCE_REACTIVE_URL = var.consumer.read_model_url },
    # One variable feeds both the queue's redrive and the consumer, which records a dead letter on the last receive.
    local.use_sqs ? { WAIL_CONSUMER_MAX_RECEIVE_COUNT = tostring(var.intent_log.sqs.max_receive_count) } : {},
    # The redrive target: the consumer sends a message it rejects (it can never succeed) there at once, with its
    # reason, instead of letting it go round max_receive_count times.
    local.use_sqs ? { WAIL_CONSUMER_DEAD_LETTER_QUEUE_URL = aws_sqs_queue.dlq[0].url } : {},
  )

  consumer_dead_letter_statements = local.use_sqs ? concat(
    [{ sid = "SendRejectedToDeadLetterQueue", actions = ["sqs:SendMessage"], resources = [aws_sqs_queue.dlq[0].arn], why_unscoped = null }],
    # A queue under a customer key: sending needs a data key (kms:Decrypt is granted with the intents).
    local.sqs_kms_key_arn == null ? [] : [{ sid = "EncryptDeadLetters", actions = ["kms:GenerateDataKey"], resources = [local.sqs_kms_key_arn], why_unscoped = null }],
  ) : []

  consumer_read_statements = concat(
    local.use_sqs ? [{ sid = "ReadIntentQueue", actions = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], resources = [local.log_arn], why_unscoped = null }] : [],
    local.use_kinesis ? [{ sid = "ReadIntentStream", actions = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:SubscribeToShard"], resources = [local.log_arn], why_unscoped = null }] : [],
    local.log_kms_key_arn == null ? [] : [{ sid = "DecryptIntents", actions = ["kms:Decrypt"], resources = [local.log_kms_key_arn], why_unscoped = null }],
    length(var.consumer.dynamodb_source_table_arns) == 0 ? [] : [
      { sid = "ReadDynamoDbSources", actions = ["dynamodb:BatchGetItem", "dynamodb:DescribeTable"], resources = var.consumer.dynamodb_source_table_arns, why_unscoped = null }
    ],
  )
}

module "consumer" {
  source = "./modules/function"

  name                           = "${var.name}-consumer"
  handler_name                   = local.consumer_handler
  package                        = var.consumer.package
  memory_size                    = var.consumer.memory_size
  timeout                        = var.consumer.timeout
  reserved_concurrent_executions = var.consumer.reserved_concurrent_executions
  vpc                            = var.vpc
  environment                    = local.consumer_environment
  iterator_age_alarm_ms          = local.use_kinesis ? var.monitoring.iterator_age_ms : null
  has_failure_destination        = local.use_kinesis
  policy_statements              = concat(local.consumer_read_statements, local.consumer_dead_letter_statements, local.secret_statements, local.use_kinesis ? local.failure_queue_statements : [])

  snap_start         = local.function_defaults.snap_start
  log_retention_days = local.function_defaults.log_retention_days
  alarm_actions      = local.function_defaults.alarm_actions
  tags               = local.function_defaults.tags

  log_kms_key_arn         = local.function_defaults.log_kms_key_arn
  environment_kms_key_arn = local.function_defaults.environment_key
  architecture            = local.function_defaults.architecture
  tracing_mode            = local.function_defaults.tracing_mode
}

resource "aws_lambda_event_source_mapping" "consumer_sqs" {
  count                              = local.use_sqs ? 1 : 0
  event_source_arn                   = aws_sqs_queue.intents[0].arn
  function_name                      = module.consumer.target_arn
  batch_size                         = local.consumer_batch_size
  maximum_batching_window_in_seconds = var.consumer.maximum_batching_window_in_seconds
  # The handler reports each failed message; only those come back (and reach the DLQ after max_receive_count).
  # Rejected messages it sends to the DLQ itself and acknowledges.
  function_response_types = ["ReportBatchItemFailures"]

  tags = var.tags

  # No batch before the deploy-time schema step has run: the consumer's first batch would fail until it has.
  depends_on = [aws_lambda_invocation.consumer_schema]

  dynamic "scaling_config" {
    for_each = var.consumer.maximum_concurrency == null ? [] : [var.consumer.maximum_concurrency]
    content {
      maximum_concurrency = scaling_config.value
    }
  }

  lifecycle {
    precondition {
      condition     = !local.fifo || local.consumer_batch_size <= 10
      error_message = "consumer.batch_size must be at most 10 on a FIFO queue."
    }
    precondition {
      condition     = local.consumer_batch_size <= 10 || var.consumer.maximum_batching_window_in_seconds >= 1
      error_message = "An SQS batch_size above 10 needs maximum_batching_window_in_seconds of at least 1."
    }
  }
}

resource "aws_lambda_event_source_mapping" "consumer_kinesis" {
  count                              = local.use_kinesis ? 1 : 0
  event_source_arn                   = aws_kinesis_stream.intents[0].arn
  function_name                      = module.consumer.target_arn
  starting_position                  = var.consumer.kinesis.starting_position
  batch_size                         = local.consumer_batch_size
  maximum_batching_window_in_seconds = var.consumer.maximum_batching_window_in_seconds
  parallelization_factor             = var.consumer.kinesis.parallelization_factor
  bisect_batch_on_function_error     = var.consumer.kinesis.bisect_batch_on_function_error
  maximum_retry_attempts             = var.consumer.kinesis.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.consumer.kinesis.maximum_record_age_in_seconds
  # The handler reports the first record to retry; Lambda re-delivers from there.
  function_response_types = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failures[0].arn
    }
  }

  tags = var.tags

  # No batch before the deploy-time schema step has run: the consumer's first batch would fail until it has.
  depends_on = [aws_lambda_invocation.consumer_schema]
}
