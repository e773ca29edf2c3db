# One wail function: the shared zip with one handler selected by QUARKUS_LAMBDA_HANDLER, its execution role, its log
# group, and the alarms every function gets (errors, throttles, and iterator age when a stream triggers it).

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # Triggers must target the alias when SnapStart is on: snapshots exist only for published versions.
  qualified_arn = var.snap_start ? aws_lambda_alias.live[0].arn : aws_lambda_function.this.arn
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-role"
  description        = "Execution role of the wail function ${var.name} (${var.handler_name})"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    for_each = var.vpc == null ? [] : [1]
    content {
      sid     = "ManageOwnVpcInterfaces"
      actions = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
      resources = concat(
        ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"],
        [for s in var.vpc.subnet_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:subnet/${s}"],
        [for g in var.vpc.security_group_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:security-group/${g}"],
      )
    }
  }

  dynamic "statement" {
    for_each = var.vpc == null ? [] : [1]
    content {
      # wildcard-allowed: ec2:Describe* actions support no resource-level permission.
      sid       = "DescribeVpcInterfaces"
      actions   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.tracing_mode == "Active" ? [1] : []
    content {
      # wildcard-allowed: X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permission.
      sid       = "WriteTraces"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.policy_statements
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-permissions"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

locals {
  # The native zip's bootstrap is the runtime itself: Lambda ignores the handler of a provided runtime.
  native  = var.package.runtime == "provided.al2023"
  handler = local.native ? "not.used.in.provided.runtime" : "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest"
  # Quarkus native executables on Lambda leave signals to the runtime (as Quarkus's own native templates set).
  runtime_environment = local.native ? { DISABLE_SIGNAL_HANDLERS = "true" } : {}
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  description   = "wail ${var.handler_name}"
  role          = aws_iam_role.this.arn
  runtime       = var.package.runtime
  handler       = local.handler
  architectures = [var.architecture]
  kms_key_arn   = var.environment_kms_key_arn
  memory_size   = var.memory_size
  timeout       = var.timeout
  publish       = var.snap_start

  filename = var.package.local_file
  # The zip's hash makes a new zip a change: the local file's, or the one given for the S3 object.
  source_code_hash  = var.package.local_file == null ? var.package.s3_sha256 : filebase64sha256(var.package.local_file)
  s3_bucket         = var.package.s3_bucket
  s3_key            = var.package.s3_key
  s3_object_version = var.package.s3_object_version

  reserved_concurrent_executions = var.reserved_concurrent_executions

  environment {
    variables = merge(var.environment, local.runtime_environment, { QUARKUS_LAMBDA_HANDLER = var.handler_name })
  }

  dynamic "vpc_config" {
    for_each = var.vpc == null ? [] : [var.vpc]
    content {
      subnet_ids         = vpc_config.value.subnet_ids
      security_group_ids = vpc_config.value.security_group_ids
    }
  }

  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  tracing_config {
    mode = var.tracing_mode
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  # The role's permissions must exist before the first invocation (and before Lambda checks VPC permissions).
  depends_on = [aws_iam_role_policy.this]

  lifecycle {
    precondition {
      condition     = !(var.snap_start && local.native)
      error_message = "SnapStart applies to java21 only: set snap_start = false for a native (provided.al2023) package."
    }
  }
}

resource "aws_lambda_alias" "live" {
  count            = var.snap_start ? 1 : 0
  name             = "live"
  description      = "The published version triggers invoke (SnapStart snapshots exist only for versions)"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

locals {
  # Duration alarm threshold: by default 90% of the timeout (a function that nears its timeout is about to fail
  # whole invocations, which Errors shows only once they time out).
  duration_alarm_ms = coalesce(var.duration_alarm_ms, floor(var.timeout * 900))

  # The function's own alarms, one resource block for all of them: failed invocations, throttles, duration near the
  # timeout and, for functions a stream triggers, how old the newest processed record is; for functions with an
  # on-failure destination, deliveries to it that failed; for asynchronously invoked ones, events dropped.
  # Evaluation: one-minute periods; 3 breaching minutes of 5 unless datapoints is 1 (any minute: each count is lost
  # or kept input).
  function_alarms = merge({
    errors = {
      metric      = "Errors"
      statistic   = "Sum"
      threshold   = 0
      datapoints  = 3
      description = "invocations failed (a whole batch or event failed, not single records)"
    }
    throttles = {
      metric      = "Throttles"
      statistic   = "Sum"
      threshold   = 0
      datapoints  = 3
      description = "invocations throttled (raise concurrency or lower the mapping's maximum concurrency)"
    }
    duration = {
      metric      = "Duration"
      statistic   = "Maximum"
      threshold   = local.duration_alarm_ms
      datapoints  = 3
      description = "an invocation ran longer than ${local.duration_alarm_ms} ms of its ${var.timeout} s timeout"
    }
    }, var.iterator_age_alarm_ms == null ? {} : {
    iterator-age = {
      metric      = "IteratorAge"
      statistic   = "Maximum"
      threshold   = var.iterator_age_alarm_ms
      datapoints  = 3
      description = "the newest record this function processed is older than ${var.iterator_age_alarm_ms} ms"
    }
    }, !var.has_failure_destination ? {} : {
    destination-delivery-failures = {
      metric      = "DestinationDeliveryFailures"
      statistic   = "Sum"
      threshold   = 0
      datapoints  = 1
      description = "events or batches given up on could not be delivered to the failure queue (check its policy and key): they are lost"
    }
    }, !var.invoked_asynchronously ? {} : {
    async-events-dropped = {
      metric      = "AsyncEventsDropped"
      statistic   = "Sum"
      threshold   = 0
      datapoints  = 1
      description = "asynchronous events were dropped after their retries or maximum age (each went to the failure queue if it could)"
    }
  })
}

resource "aws_cloudwatch_metric_alarm" "function" {
  for_each            = local.function_alarms
  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = "wail ${var.handler_name}: ${each.value.description}"
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = each.value.datapoints == 1 ? 1 : 5
  datapoints_to_alarm = each.value.datapoints
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
