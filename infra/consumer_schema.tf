# The deploy-time schema step: the consumer's zip deployed once more with the handler install-schema, invoked once per
# schema version. It installs the consumer's bookkeeping tables (wail/consumer-schema.sql: wail.consumer_schema,
# wail.sink_positions, wail.source_epochs, wail.dead_letters) in the read-model database, so that a consumer never
# runs SQL when it starts; a consumer's first batch only checks that this version is there, and fails naming this
# step when it is not (its batch is then retried).

variable "invoke_consumer_schema_step" {
  description = "Whether apply invokes the consumer's deploy-time schema step (its function is deployed either way). false only where Lambda cannot run the zip (an API emulator such as moto_server, whose Invoke needs Docker); then invoke <name>-consumer-schema, or run wail/consumer-schema.sql yourself, before the consumers' first batch."
  type        = bool
  default     = true
}

locals {
  # Keep equal to SchemaInstaller.VERSION and the version consumer-schema.sql records (ConsumerSchemaVersionTest
  # checks); a new version re-runs the invocation below on the next apply.
  consumer_schema_version = 1
}

module "consumer_schema" {
  source = "./modules/function"

  name         = "${var.name}-consumer-schema"
  handler_name = "install-schema"
  package      = var.consumer.package
  # The step opens one connection and runs one idempotent script; the consumer's timeout is ample.
  memory_size = var.consumer.memory_size
  timeout     = var.consumer.timeout
  vpc         = var.vpc
  # The consumer's own settings: the same read-model URL, user and secret, and a valid wail.sources configuration.
  environment       = local.consumer_environment
  policy_statements = local.secret_statements

  # Invoked once per version: a snapshot would cost more than it saves.
  snap_start         = false
  log_retention_days = local.function_defaults.log_retention_days
  alarm_actions      = local.function_defaults.alarm_actions
  tags               = local.function_defaults.tags

  log_kms_key_arn         = local.function_defaults.log_kms_key_arn
  environment_kms_key_arn = local.function_defaults.environment_key
  architecture            = local.function_defaults.architecture
  tracing_mode            = local.function_defaults.tracing_mode
}

# Runs on create and whenever the schema version changes (or the step's function is replaced). The answer is
# {"schema": "wail", "version": N}; a failure (database unreachable, no permission to create tables) fails the apply
# with the function's error.
resource "aws_lambda_invocation" "consumer_schema" {
  count = var.invoke_consumer_schema_step ? 1 : 0

  function_name = module.consumer_schema.function_name
  input         = jsonencode({ version = local.consumer_schema_version })

  triggers = {
    version  = local.consumer_schema_version
    function = module.consumer_schema.function_arn
  }
}

output "consumer_schema_version" {
  description = "The consumer bookkeeping schema version the deploy-time step installed in the read-model database (null when invoke_consumer_schema_step is false)."
  value       = var.invoke_consumer_schema_step ? jsondecode(aws_lambda_invocation.consumer_schema[0].result).version : null
}
