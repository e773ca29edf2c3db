# The producer functions: one zip, one function per handler in use (outbox-drain, aurora-hook), and one
# dynamodb-stream function per DynamoDB stream (each carries its own WAIL_PRODUCER_DYNAMODB_SOURCE).

locals {
  producer_log_environment = merge(
    { WAIL_PRODUCER_LOG = var.intent_log.type, WAIL_PRODUCER_SEND_ATTEMPTS = tostring(var.producer.send_attempts) },
    local.use_sqs ? {
      WAIL_PRODUCER_QUEUE_URL               = aws_sqs_queue.intents[0].url
      WAIL_PRODUCER_SQS_INTENTS_PER_MESSAGE = tostring(var.intent_log.sqs.intents_per_message)
    } : {},
    local.use_kinesis ? {
      WAIL_PRODUCER_STREAM_NAME                = aws_kinesis_stream.intents[0].name
      WAIL_PRODUCER_KINESIS_INTENTS_PER_RECORD = tostring(var.intent_log.kinesis.intents_per_record)
    } : {},
  )

  # Appending intents: SendMessageBatch is authorised by sqs:SendMessage; PutRecords by kinesis:PutRecords.
  producer_write_statements = concat(
    local.use_sqs ? [{ sid = "AppendIntentsToQueue", actions = ["sqs:SendMessage", "sqs:GetQueueAttributes"], resources = [local.log_arn], why_unscoped = null }] : [],
    local.use_kinesis ? [{ sid = "AppendIntentsToStream", actions = ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"], resources = [local.log_arn], why_unscoped = null }] : [],
    local.log_kms_key_arn == null ? [] : [{ sid = "EncryptIntents", actions = ["kms:GenerateDataKey", "kms:Decrypt"], resources = [local.log_kms_key_arn], why_unscoped = null }],
  )
}

module "outbox_drain" {
  source = "./modules/function"
  count  = var.producer.outbox_drain.enabled ? 1 : 0

  name         = "${var.name}-outbox-drain"
  handler_name = "outbox-drain"
  package      = var.producer.package
  memory_size  = var.producer.memory_size
  # The drain polls until 5 s before its timeout: a timeout a little longer than the schedule's period (70 s against
  # rate(1 minute)) makes consecutive invocations overlap by a few seconds, so that the outbox is always polled.
  # Overlapping drains share the outbox (SKIP LOCKED); the function is then busy all the time (see docs/capture.md, the outbox drain).
  timeout = var.producer.outbox_drain.timeout
  # It runs until 5 s before its timeout by design: alarm only when it overran that deadline.
  duration_alarm_ms = (var.producer.outbox_drain.timeout - 2) * 1000
  vpc               = var.vpc
  environment = merge(var.producer.environment, local.producer_log_environment, local.secret_environment, {
    QUARKUS_DATASOURCE_REACTIVE_URL      = var.producer.outbox_drain.datasource_url
    WAIL_PRODUCER_OUTBOX_BATCH_ROWS      = tostring(var.producer.outbox_drain.batch_rows)
    WAIL_PRODUCER_OUTBOX_SENDS_IN_FLIGHT = tostring(var.producer.outbox_drain.sends_in_flight)
    WAIL_PRODUCER_OUTBOX_IDLE_POLL       = "${var.producer.outbox_drain.idle_poll_ms}ms"
  })
  policy_statements = concat(local.producer_write_statements, local.secret_statements)

  snap_start         = local.function_defaults.snap_start
  log_retention_days = local.function_defaults.log_retention_days
  alarm_actions      = local.function_defaults.alarm_actions
  tags               = local.function_defaults.tags

  log_kms_key_arn         = local.function_defaults.log_kms_key_arn
  environment_kms_key_arn = local.function_defaults.environment_key
  architecture            = local.function_defaults.architecture
  tracing_mode            = local.function_defaults.tracing_mode
}

resource "aws_cloudwatch_event_rule" "outbox_drain" {
  count               = var.producer.outbox_drain.enabled ? 1 : 0
  name                = "${var.name}-outbox-drain"
  description         = "Drains wail.outbox into the intent log"
  schedule_expression = var.producer.outbox_drain.schedule_expression
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "outbox_drain" {
  count = var.producer.outbox_drain.enabled ? 1 : 0
  rule  = aws_cloudwatch_event_rule.outbox_drain[0].name
  arn   = module.outbox_drain[0].target_arn

  # A missed tick is harmless (the next drain takes the rows), so do not pile up stale retries.
  retry_policy {
    maximum_retry_attempts       = 0
    maximum_event_age_in_seconds = 60
  }
}

resource "aws_lambda_permission" "outbox_drain_schedule" {
  count         = var.producer.outbox_drain.enabled ? 1 : 0
  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = module.outbox_drain[0].function_name
  qualifier     = module.outbox_drain[0].target_qualifier
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.outbox_drain[0].arn
}

module "aurora_hook" {
  source = "./modules/function"
  count  = var.producer.aurora_hook.enabled ? 1 : 0

  name              = "${var.name}-aurora-hook"
  handler_name      = "aurora-hook"
  package           = var.producer.package
  memory_size       = var.producer.memory_size
  timeout           = var.producer.timeout
  environment       = merge(var.producer.environment, local.producer_log_environment)
  policy_statements = concat(local.producer_write_statements, local.failure_queue_statements)

  has_failure_destination = true
  invoked_asynchronously  = true

  snap_start         = local.function_defaults.snap_start
  log_retention_days = local.function_defaults.log_retention_days
  alarm_actions      = local.function_defaults.alarm_actions
  tags               = local.function_defaults.tags

  log_kms_key_arn         = local.function_defaults.log_kms_key_arn
  environment_kms_key_arn = local.function_defaults.environment_key
  architecture            = local.function_defaults.architecture
  tracing_mode            = local.function_defaults.tracing_mode
}

# The triggers invoke asynchronously ('Event'): Lambda retries, then keeps the payload and its error in the failure queue.
resource "aws_lambda_function_event_invoke_config" "aurora_hook" {
  count                        = var.producer.aurora_hook.enabled ? 1 : 0
  function_name                = module.aurora_hook[0].function_name
  qualifier                    = module.aurora_hook[0].target_qualifier
  maximum_retry_attempts       = var.producer.aurora_hook.maximum_retry_attempts
  maximum_event_age_in_seconds = var.producer.aurora_hook.maximum_event_age_in_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures[0].arn
    }
  }
}

# The role the Aurora cluster assumes for aws_lambda.invoke (feature "Lambda"): it may invoke the hook function only.
data "aws_iam_policy_document" "aurora_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "aurora_invoke" {
  count              = var.producer.aurora_hook.enabled ? 1 : 0
  name               = "${var.name}-aurora-invoke"
  description        = "Attached to Aurora clusters (feature Lambda) so that wail's triggers can invoke ${module.aurora_hook[0].function_name}"
  assume_role_policy = data.aws_iam_policy_document.aurora_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "aurora_invoke" {
  count = var.producer.aurora_hook.enabled ? 1 : 0
  statement {
    sid       = "InvokeHookFunction"
    actions   = ["lambda:InvokeFunction"]
    resources = distinct([module.aurora_hook[0].function_arn, module.aurora_hook[0].target_arn])
  }
}

resource "aws_iam_role_policy" "aurora_invoke" {
  count  = var.producer.aurora_hook.enabled ? 1 : 0
  name   = "${var.name}-aurora-invoke"
  role   = aws_iam_role.aurora_invoke[0].id
  policy = data.aws_iam_policy_document.aurora_invoke[0].json
}

resource "aws_rds_cluster_role_association" "aurora_invoke" {
  for_each              = var.producer.aurora_hook.enabled ? toset(var.producer.aurora_hook.cluster_identifiers) : toset([])
  db_cluster_identifier = each.value
  feature_name          = "Lambda"
  role_arn              = aws_iam_role.aurora_invoke[0].arn
}

module "dynamodb_stream" {
  source   = "./modules/function"
  for_each = var.producer.dynamodb_streams

  name                    = "${var.name}-ddb-${each.key}"
  handler_name            = "dynamodb-stream"
  package                 = var.producer.package
  memory_size             = var.producer.memory_size
  timeout                 = var.producer.timeout
  environment             = merge(var.producer.environment, local.producer_log_environment, { WAIL_PRODUCER_DYNAMODB_SOURCE = each.value.source })
  iterator_age_alarm_ms   = var.monitoring.iterator_age_ms
  has_failure_destination = true
  policy_statements = concat(local.producer_write_statements, local.failure_queue_statements, [
    {
      sid          = "ReadTableStream"
      actions      = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
      resources    = [each.value.stream_arn]
      why_unscoped = null
    },
    {
      # wildcard-allowed: dynamodb:ListStreams supports no resource-level permission; the mapping's poller calls it.
      sid          = "ListTableStreams"
      actions      = ["dynamodb:ListStreams"]
      resources    = ["*"]
      why_unscoped = "dynamodb:ListStreams has no resource-level permission"
    },
  ])

  snap_start         = local.function_defaults.snap_start
  log_retention_days = local.function_defaults.log_retention_days
  alarm_actions      = local.function_defaults.alarm_actions
  tags               = local.function_defaults.tags

  log_kms_key_arn         = local.function_defaults.log_kms_key_arn
  environment_kms_key_arn = local.function_defaults.environment_key
  architecture            = local.function_defaults.architecture
  tracing_mode            = local.function_defaults.tracing_mode
}

resource "aws_lambda_event_source_mapping" "dynamodb_stream" {
  for_each                           = var.producer.dynamodb_streams
  event_source_arn                   = each.value.stream_arn
  function_name                      = module.dynamodb_stream[each.key].target_arn
  starting_position                  = each.value.starting_position
  batch_size                         = each.value.batch_size
  maximum_batching_window_in_seconds = each.value.maximum_batching_window_in_seconds
  maximum_retry_attempts             = each.value.maximum_retry_attempts
  maximum_record_age_in_seconds      = each.value.maximum_record_age_in_seconds
  parallelization_factor             = each.value.parallelization_factor
  bisect_batch_on_function_error     = each.value.bisect_batch_on_function_error
  # The handler reports the first record the log refused; Lambda re-reads the shard from there.
  function_response_types = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failures[0].arn
    }
  }

  tags = var.tags
}
