# wail on AWS: the intent log (log.tf), the producer functions (producer.tf), the consumer (consumer.tf), and their
# alarms and dashboard (monitoring.tf). Every function is the same building block (modules/function).

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  use_sqs     = var.intent_log.type == "sqs"
  use_kinesis = var.intent_log.type == "kinesis"
  fifo        = local.use_sqs && var.intent_log.sqs.fifo

  # On-failure destinations (asynchronous hook invocations, stream mappings) all land in one failure queue.
  needs_failure_queue = var.producer.aurora_hook.enabled || length(var.producer.dynamodb_streams) > 0 || local.use_kinesis

  # Functions that read PostgreSQL get the secret's ARN and the right to read it.
  secret_environment = var.database.secret_arn == null ? {} : { WAIL_DATABASE_SECRET_ARN = var.database.secret_arn }
  secret_statements = var.database.secret_arn == null ? [] : concat(
    [{ sid = "ReadDatabaseSecret", actions = ["secretsmanager:GetSecretValue"], resources = [var.database.secret_arn], why_unscoped = null }],
    var.database.kms_key_arn == null ? [] : [
      { sid = "DecryptDatabaseSecret", actions = ["kms:Decrypt"], resources = [var.database.kms_key_arn], why_unscoped = null }
    ],
  )

  failure_queue_statements = local.needs_failure_queue ? concat(
    [{ sid = "SendFailuresToFailureQueue", actions = ["sqs:SendMessage"], resources = [aws_sqs_queue.failures[0].arn], why_unscoped = null }],
    var.encryption.failure_queue_kms_key_arn == null ? [] : [
      { sid = "EncryptFailures", actions = ["kms:GenerateDataKey", "kms:Decrypt"], resources = [var.encryption.failure_queue_kms_key_arn], why_unscoped = null }
    ],
  ) : []

  function_defaults = {
    snap_start         = var.snap_start
    log_retention_days = var.monitoring.log_retention_days
    alarm_actions      = local.alarm_actions
    log_kms_key_arn    = var.encryption.log_kms_key_arn
    environment_key    = var.encryption.environment_kms_key_arn
    architecture       = var.functions.architecture
    tracing_mode       = var.functions.tracing_mode
    tags               = var.tags
  }
}
