# Alarms on the log (age of the oldest message, dead letters, failures kept, iterator age), freshness per table from
# the functions' own EMF metric (namespace wail, FreshnessLagMs by Source and Table), the producers' own metrics
# (Refused input, the outbox's oldest row), the consumer's configuration mismatches, and one dashboard.
# Every function's errors, throttles and iterator age alarms live with the function (modules/function).

locals {
  # Queues that must stay empty: anything in them is an intent or an event wail gave up on.
  must_stay_empty_queues = merge(
    local.use_sqs ? { dlq = aws_sqs_queue.dlq[0].name } : {},
    local.needs_failure_queue ? { failures = aws_sqs_queue.failures[0].name } : {},
  )

  functions = merge(
    { consumer = module.consumer },
    var.producer.outbox_drain.enabled ? { outbox_drain = module.outbox_drain[0] } : {},
    var.producer.aurora_hook.enabled ? { aurora_hook = module.aurora_hook[0] } : {},
    { for k, m in module.dynamodb_stream : "ddb_${k}" => m },
  )

  producer_functions = { for k, f in local.functions : k => f if k != "consumer" }

  freshness_tables = { for t in var.monitoring.freshness_tables : "${t.source}/${t.table}" => t }
}

locals {
  # Every alarm of this file, by name: one resource block below serves them all. Evaluation: one-minute periods;
  # 3 breaching minutes of 5 unless said otherwise (datapoints_to_alarm null: every period of the evaluation).
  alarms = merge(
    local.use_sqs ? {
      "${var.name}-intents-oldest-message" = {
        description = "the oldest intent waiting in ${aws_sqs_queue.intents[0].name} is older than ${var.monitoring.queue_oldest_message_age_s} s (the consumer is behind or failing)"
        namespace   = "AWS/SQS", metric = "ApproximateAgeOfOldestMessage", statistic = "Maximum"
        dimensions  = tomap({ QueueName = aws_sqs_queue.intents[0].name })
        threshold   = var.monitoring.queue_oldest_message_age_s, evaluation_periods = 5, datapoints_to_alarm = 3
        missing     = "notBreaching"
      }
    } : {},
    { for k, q in local.must_stay_empty_queues : "${var.name}-${k}-not-empty" => {
      description = "${q} holds messages; each is an intent or event given up on (see the consumer's wail.dead_letters for reasons)"
      namespace   = "AWS/SQS", metric = "ApproximateNumberOfMessagesVisible", statistic = "Maximum"
      dimensions  = tomap({ QueueName = q })
      threshold   = 0, evaluation_periods = 1, datapoints_to_alarm = null
      missing     = "notBreaching"
    } },
    local.use_kinesis ? {
      "${var.name}-intents-iterator-age" = {
        description = "readers of ${aws_kinesis_stream.intents[0].name} are more than ${var.monitoring.iterator_age_ms} ms behind"
        namespace   = "AWS/Kinesis", metric = "GetRecords.IteratorAgeMilliseconds", statistic = "Maximum"
        dimensions  = tomap({ StreamName = aws_kinesis_stream.intents[0].name })
        threshold   = var.monitoring.iterator_age_ms, evaluation_periods = 5, datapoints_to_alarm = 3
        missing     = "notBreaching"
      }
    } : {},
    { for k, t in local.freshness_tables : "${var.name}-freshness-${replace(k, "/", "-")}" => {
      description = "the read model of ${k} lags its source by more than ${var.monitoring.freshness_lag_ms} ms (sink write time minus capture time)"
      namespace   = "wail", metric = "FreshnessLagMs", statistic = var.monitoring.freshness_lag_statistic
      dimensions  = tomap({ Source = t.source, Table = t.table })
      threshold   = var.monitoring.freshness_lag_ms, evaluation_periods = 5, datapoints_to_alarm = 3
      missing     = "notBreaching"
    } },
    # Input a producer could not turn into intents never reaches the log, so no queue or freshness alarm sees it: a
    # malformed hook payload or key entry, an unreadable outbox row (kept in wail.outbox_rejected), a DynamoDB stream
    # record without usable keys (skipped, logged). The function's log says which and why.
    { for k, f in local.producer_functions : "${f.function_name}-refused" => {
      description = "${f.function_name} refused input it could not turn into intents (metric wail/Refused); its log names each record and the reason"
      namespace   = "wail", metric = "Refused", statistic = "Sum"
      dimensions  = tomap({ Function = f.function_name })
      threshold   = 0, evaluation_periods = 1, datapoints_to_alarm = null
      missing     = "notBreaching"
    } },
    # A table whose configuration no longer fits its PostgreSQL source table (a configured column dropped or renamed,
    # the table gone, a key column of a type wail cannot bind) or its read model table: its messages wait, retried,
    # until the DDL is reverted or the configuration updated. The consumer's ERROR log line and the metric's Reason property name the setting.
    {
      "${module.consumer.function_name}-configuration-mismatch" = {
        description = "a table's configuration no longer fits its source or read model table and its messages wait (metric wail/ConfigurationMismatch); the consumer's log and the metric's Reason say which setting to update"
        namespace   = "wail", metric = "ConfigurationMismatch", statistic = "Sum"
        dimensions  = tomap({ Function = module.consumer.function_name })
        threshold   = 0, evaluation_periods = 1, datapoints_to_alarm = null
        missing     = "notBreaching"
      }
    },
    # Intents the log still refused after every retry, per monitored table (AppendFailed carries Source and Table,
    # not Function): the outbox keeps the rows, the hook invocation fails, the stream batch is retried; nothing is
    # lost yet, but the log is refusing writes (throttling, a key or policy change, an outage).
    { for k, t in local.freshness_tables : "${var.name}-append-failed-${replace(k, "/", "-")}" => {
      description = "the producers could not append intents of ${k} to the log after every retry (metric wail/AppendFailed); their logs name the error"
      namespace   = "wail", metric = "AppendFailed", statistic = "Sum"
      dimensions  = tomap({ Source = t.source, Table = t.table })
      threshold   = 0, evaluation_periods = 1, datapoints_to_alarm = null
      missing     = "notBreaching"
    } },
    # A source restored, reloaded or failed over: the sink opened a new epoch. Rows that do not change again keep the
    # old history's state until a backfill.
    {
      "${module.consumer.function_name}-source-history-changed" = {
        description = "a source's history changed (restore, reload, failover that lost WAL) and the sink opened a new epoch (metric wail/SourceHistoryChanged, property Source): backfill that source's tables"
        namespace   = "wail", metric = "SourceHistoryChanged", statistic = "Sum"
        dimensions  = tomap({ Function = module.consumer.function_name })
        threshold   = 0, evaluation_periods = 1, datapoints_to_alarm = null
        missing     = "notBreaching"
      }
    },
    # The drain reports the age of the oldest row left after each run. Missing data breaches: a drain that stops
    # running (a disabled schedule, a broken role) leaves the outbox growing in the database without any error.
    var.producer.outbox_drain.enabled ? {
      "${module.outbox_drain[0].function_name}-outbox-oldest-row" = {
        description = "the oldest row in wail.outbox is older than ${var.monitoring.outbox_oldest_row_age_ms} ms, or the drain reported nothing for 5 minutes (metric wail/OutboxOldestAgeMs)"
        namespace   = "wail", metric = "OutboxOldestAgeMs", statistic = "Maximum"
        dimensions  = tomap({ Function = module.outbox_drain[0].function_name })
        threshold   = var.monitoring.outbox_oldest_row_age_ms, evaluation_periods = 5, datapoints_to_alarm = 3
        missing     = "breaching"
      }
    } : {},
  )
}

# Where the alarms go: an existing topic, or one this module creates with its subscriptions.
locals {
  create_alarm_topic = var.alarm_notifications.topic_arn == null
  alarm_topic_arn    = local.create_alarm_topic ? aws_sns_topic.alarms[0].arn : var.alarm_notifications.topic_arn
  alarm_actions      = [local.alarm_topic_arn]
}

# CloudWatch can publish to an encrypted topic only when the key policy lets it use the key; the AWS managed key
# (alias/aws/sns) cannot be given that, so the topic needs a customer managed key: this one unless kms_key_arn is set.
data "aws_iam_policy_document" "alarm_key" {
  statement {
    # wildcard-allowed: a key policy's resource is the key itself ("*"); the account administers its key, as in
    # KMS's default key policy (IAM policies of the account then decide who may use it).
    sid       = "AccountAdministersKey"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
  statement {
    # wildcard-allowed: a key policy's resource is the key itself ("*").
    sid       = "CloudWatchPublishesAlarms"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "alarms" {
  count                   = local.create_alarm_topic && var.alarm_notifications.kms_key_arn == null ? 1 : 0
  description             = "wail ${var.name}: encrypts the alarm topic"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.alarm_key.json
  tags                    = var.tags
}

resource "aws_sns_topic" "alarms" {
  count             = local.create_alarm_topic ? 1 : 0
  name              = "${var.name}-alarms"
  kms_master_key_id = coalesce(var.alarm_notifications.kms_key_arn, try(aws_kms_key.alarms[0].arn, null))
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "alarms" {
  for_each  = local.create_alarm_topic ? { for s in var.alarm_notifications.subscriptions : "${s.protocol}:${s.endpoint}" => s } : {}
  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each            = local.alarms
  alarm_name          = each.key
  alarm_description   = "wail: ${each.value.description}"
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = each.value.missing
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

locals {
  function_names = [for k, f in local.functions : f.function_name]

  # One widget for the log in use (a for expression over the zero-or-one queue or stream keeps the types apart).
  log_widgets = concat(
    [for q in aws_sqs_queue.intents : {
      type = "metric", width = 12, height = 6,
      properties = {
        title = "Intent queue: depth and age of oldest message", region = local.region, view = "timeSeries", stat = "Maximum", period = 60,
        metrics = [
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q.name],
          ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", q.name, { yAxis = "right" }],
        ]
      }
    }],
    [for k in aws_kinesis_stream.intents : {
      type = "metric", width = 12, height = 6,
      properties = {
        title = "Intent stream: records in and iterator age", region = local.region, view = "timeSeries", period = 60,
        metrics = [
          ["AWS/Kinesis", "IncomingRecords", "StreamName", k.name, { stat = "Sum" }],
          ["AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "StreamName", k.name, { stat = "Maximum", yAxis = "right" }],
        ]
      }
    }],
  )

  empty_queue_widgets = length(local.must_stay_empty_queues) == 0 ? [] : [
    {
      type = "metric", width = 12, height = 6,
      properties = {
        title   = "Dead letters and failures kept (must stay 0)", region = local.region, view = "timeSeries", stat = "Maximum", period = 60,
        metrics = [for k, q in local.must_stay_empty_queues : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]]
      }
    },
  ]

  function_widgets = [
    for metric in ["Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions"] : {
      type = "metric", width = 8, height = 6,
      properties = {
        title   = "Functions: ${metric}", region = local.region, view = "timeSeries", period = 60,
        stat    = metric == "Duration" ? "p99" : (metric == "ConcurrentExecutions" ? "Maximum" : "Sum"),
        metrics = [for n in local.function_names : ["AWS/Lambda", metric, "FunctionName", n]]
      }
    }
  ]

  # What the producers appended (per table) and what they refused or had to send again (per function).
  producer_metrics = concat(
    [for k, t in local.freshness_tables : ["wail", "IntentsOut", "Source", t.source, "Table", t.table]],
    [for k, f in local.producer_functions : ["wail", "Refused", "Function", f.function_name, { yAxis = "right" }]],
    [for k, f in local.producer_functions : ["wail", "Resent", "Function", f.function_name, { yAxis = "right" }]],
  )
  producer_widgets = length(local.producer_metrics) == 0 ? [] : [
    {
      type = "metric", width = 12, height = 6,
      properties = {
        title   = "Producers: intents appended per table (left), refused and re-sent per function (right)", region = local.region, view = "timeSeries", stat = "Sum", period = 60,
        metrics = local.producer_metrics
      }
    },
  ]

  latency_widgets = length(local.freshness_tables) == 0 ? [] : [
    {
      type = "metric", width = 12, height = 6,
      properties = {
        title = "Refresh latency per table, p99 (ms): source read and sink part", region = local.region, view = "timeSeries", stat = "p99", period = 60,
        metrics = concat(
          [for k, t in local.freshness_tables : ["wail", "HydrationLatencyMs", "Source", t.source, "Table", t.table]],
          [for k, t in local.freshness_tables : ["wail", "SinkLatencyMs", "Source", t.source, "Table", t.table]],
        )
      }
    },
  ]

  freshness_widgets = length(local.freshness_tables) == 0 ? [] : [
    {
      type = "metric", width = 12, height = 6,
      properties = {
        title       = "Freshness lag per table (ms)", region = local.region, view = "timeSeries", stat = var.monitoring.freshness_lag_statistic, period = 60,
        metrics     = [for k, t in local.freshness_tables : ["wail", "FreshnessLagMs", "Source", t.source, "Table", t.table]]
        annotations = { horizontal = [{ label = "alarm", value = var.monitoring.freshness_lag_ms }] }
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  count          = var.monitoring.dashboard_enabled ? 1 : 0
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = concat(local.log_widgets, local.empty_queue_widgets, local.freshness_widgets, local.latency_widgets, local.producer_widgets, local.function_widgets)
  })
}
