variable "name" {
  description = "Prefix of every resource name (functions, queues, stream, roles, alarms, dashboard)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.name))
    error_message = "name must be 1 to 40 letters, digits, '-' or '_' (it prefixes Lambda, SQS and IAM names)."
  }
}

variable "intent_log" {
  description = <<-EOT
    The intent log the producers append to and the consumer reads. type = "sqs": a standard or FIFO queue with a
    dead-letter queue (redrive after max_receive_count receives, which the consumer also learns as
    WAIL_CONSUMER_MAX_RECEIVE_COUNT) and server-side encryption (SQS-managed keys, or kms_key_arn). type = "kinesis":
    an on-demand or provisioned stream encrypted with KMS (a key this module creates, or kms_key_arn).
  EOT
  type = object({
    type = string
    sqs = optional(object({
      fifo                              = optional(bool, false)
      queue_name                        = optional(string)
      visibility_timeout_seconds        = optional(number, 120)
      message_retention_seconds         = optional(number, 345600)
      max_receive_count                 = optional(number, 10)
      dlq_message_retention_seconds     = optional(number, 1209600)
      kms_key_arn                       = optional(string)
      kms_data_key_reuse_period_seconds = optional(number, 300)
      intents_per_message               = optional(number, 100)
    }), {})
    kinesis = optional(object({
      stream_name            = optional(string)
      mode                   = optional(string, "ON_DEMAND")
      shard_count            = optional(number, 1)
      retention_period_hours = optional(number, 24)
      kms_key_arn            = optional(string)
      intents_per_record     = optional(number, 100)
    }), {})
  })

  validation {
    condition     = contains(["sqs", "kinesis"], var.intent_log.type)
    error_message = "intent_log.type must be \"sqs\" or \"kinesis\"."
  }

  validation {
    condition = (var.intent_log.sqs.queue_name == null ? true : (
      var.intent_log.sqs.fifo == endswith(var.intent_log.sqs.queue_name, ".fifo")
    ))
    error_message = "A FIFO queue's name must end in \".fifo\", and only a FIFO queue's name may."
  }

  validation {
    condition     = var.intent_log.sqs.max_receive_count >= 1 && var.intent_log.sqs.max_receive_count <= 1000 && floor(var.intent_log.sqs.max_receive_count) == var.intent_log.sqs.max_receive_count
    error_message = "intent_log.sqs.max_receive_count must be an integer from 1 to 1000 (SQS redrive limits)."
  }

  validation {
    condition     = var.intent_log.sqs.visibility_timeout_seconds >= 0 && var.intent_log.sqs.visibility_timeout_seconds <= 43200
    error_message = "intent_log.sqs.visibility_timeout_seconds must be between 0 and 43200."
  }

  validation {
    condition     = var.intent_log.sqs.message_retention_seconds >= 60 && var.intent_log.sqs.message_retention_seconds <= 1209600 && var.intent_log.sqs.dlq_message_retention_seconds >= 60 && var.intent_log.sqs.dlq_message_retention_seconds <= 1209600
    error_message = "SQS message retention must be between 60 and 1209600 seconds."
  }

  validation {
    condition     = var.intent_log.kinesis.intents_per_record >= 1
    error_message = "intent_log.kinesis.intents_per_record must be at least 1."
  }

  validation {
    condition     = var.intent_log.sqs.intents_per_message >= 1
    error_message = "intent_log.sqs.intents_per_message must be at least 1."
  }

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.intent_log.kinesis.mode)
    error_message = "intent_log.kinesis.mode must be ON_DEMAND or PROVISIONED."
  }

  validation {
    condition     = var.intent_log.kinesis.shard_count >= 1
    error_message = "intent_log.kinesis.shard_count must be at least 1."
  }

  validation {
    condition     = var.intent_log.kinesis.retention_period_hours >= 24 && var.intent_log.kinesis.retention_period_hours <= 8760
    error_message = "intent_log.kinesis.retention_period_hours must be between 24 and 8760."
  }
}

variable "producer" {
  description = <<-EOT
    The producer functions, all from the producer's function.zip. outbox_drain: the scheduled drain of wail.outbox
    (needs the source database: datasource_url, the database secret, and usually vpc). aurora_hook: the function the
    triggers' aws_lambda.invoke calls, plus the IAM role to attach to the Aurora cluster(s). dynamodb_streams: one
    event source mapping per DynamoDB table stream, keyed by a short name.
  EOT
  type = object({
    package = object({
      local_file        = optional(string)
      s3_bucket         = optional(string)
      s3_key            = optional(string)
      s3_object_version = optional(string)
      s3_sha256         = optional(string)
      runtime           = optional(string, "java21")
    })
    memory_size   = optional(number, 512)
    timeout       = optional(number, 60)
    send_attempts = optional(number, 4)
    environment   = optional(map(string), {})

    outbox_drain = optional(object({
      enabled             = optional(bool, false)
      schedule_expression = optional(string, "rate(1 minute)")
      batch_rows          = optional(number, 500)
      sends_in_flight     = optional(number, 4)
      idle_poll_ms        = optional(number, 50)
      timeout             = optional(number, 70)
      datasource_url      = optional(string)
    }), {})

    aurora_hook = optional(object({
      enabled                      = optional(bool, false)
      cluster_identifiers          = optional(list(string), [])
      maximum_retry_attempts       = optional(number, 2)
      maximum_event_age_in_seconds = optional(number, 21600)
    }), {})

    dynamodb_streams = optional(map(object({
      stream_arn                         = string
      source                             = string
      starting_position                  = optional(string, "TRIM_HORIZON")
      batch_size                         = optional(number, 100)
      maximum_batching_window_in_seconds = optional(number, 0)
      maximum_retry_attempts             = optional(number, 10)
      maximum_record_age_in_seconds      = optional(number, 3600)
      parallelization_factor             = optional(number, 1)
      bisect_batch_on_function_error     = optional(bool, true)
    })), {})
  })

  validation {
    condition     = var.producer.package.s3_bucket == null || var.producer.package.s3_object_version != null || var.producer.package.s3_sha256 != null
    error_message = "producer.package.s3_bucket needs producer.package.s3_object_version or producer.package.s3_sha256 (the zip's base64 SHA-256, filebase64sha256): without either, new code uploaded under the same key is never deployed."
  }

  validation {
    condition     = contains(["java21", "provided.al2023"], var.producer.package.runtime)
    error_message = "producer.package.runtime must be java21 (the JVM zip) or provided.al2023 (the native zip with its bootstrap)."
  }

  validation {
    condition     = var.producer.outbox_drain.sends_in_flight >= 1 && var.producer.outbox_drain.sends_in_flight <= 4
    error_message = "producer.outbox_drain.sends_in_flight must be 1 to 4 (each holds one of the drain's 4 database connections)."
  }

  validation {
    condition     = var.producer.outbox_drain.idle_poll_ms >= 0 && var.producer.outbox_drain.timeout > 5 && var.producer.outbox_drain.timeout <= 900
    error_message = "producer.outbox_drain.idle_poll_ms must be 0 or more, and producer.outbox_drain.timeout between 6 and 900 seconds (the drain stops 5 s before it)."
  }

  validation {
    condition     = !var.producer.outbox_drain.enabled || var.producer.outbox_drain.datasource_url != null
    error_message = "producer.outbox_drain.datasource_url (the source database's reactive URL, without a password) is required when the outbox drain is enabled."
  }

  validation {
    condition     = var.producer.aurora_hook.maximum_retry_attempts >= 0 && var.producer.aurora_hook.maximum_retry_attempts <= 2
    error_message = "producer.aurora_hook.maximum_retry_attempts must be 0, 1 or 2 (Lambda asynchronous invocation limits)."
  }

  validation {
    condition     = var.producer.aurora_hook.maximum_event_age_in_seconds >= 60 && var.producer.aurora_hook.maximum_event_age_in_seconds <= 21600
    error_message = "producer.aurora_hook.maximum_event_age_in_seconds must be between 60 and 21600."
  }

  validation {
    condition = alltrue([for k, s in var.producer.dynamodb_streams :
      s.batch_size >= 1 && s.batch_size <= 10000 &&
      s.maximum_batching_window_in_seconds >= 0 && s.maximum_batching_window_in_seconds <= 300 &&
      s.parallelization_factor >= 1 && s.parallelization_factor <= 10 &&
      s.maximum_retry_attempts >= -1 && s.maximum_retry_attempts <= 10000 &&
      (s.maximum_record_age_in_seconds == -1 || (s.maximum_record_age_in_seconds >= 60 && s.maximum_record_age_in_seconds <= 604800)) &&
      contains(["TRIM_HORIZON", "LATEST"], s.starting_position) &&
      can(regex("^arn:[^:]+:dynamodb:[^:]+:[0-9]{12}:table/[^/]+/stream/.+$", s.stream_arn))
    ])
    error_message = "Each DynamoDB stream mapping needs a stream ARN, batch_size 1..10000, window 0..300 s, parallelization 1..10, retries -1..10000, record age -1 or 60..604800 s, starting position TRIM_HORIZON or LATEST."
  }

  validation {
    condition     = var.producer.send_attempts >= 1
    error_message = "producer.send_attempts must be at least 1."
  }

  # No secret in any value: variables and environment sit in the Terraform state and the function's configuration.
  validation {
    condition     = !can(regex("(?i)://[^/?#@\\s]*@", var.producer.outbox_drain.datasource_url)) && !can(regex("(?i)[?&;]password=", var.producer.outbox_drain.datasource_url))
    error_message = "producer.outbox_drain.datasource_url carries credentials (user:password@ or password=): give only host, port and database, and the user and password as a Secrets Manager secret in database.secret_arn (the drain reads it at run time)."
  }

  validation {
    condition     = alltrue([for k, v in var.producer.environment : !can(regex("(?i)(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY|API_KEY)", k)) || can(regex("_SECRET_(ARN|TTL)$", k))])
    error_message = "producer.environment has a key that names a secret (PASSWORD, SECRET, TOKEN, CREDENTIAL, PRIVATE_KEY, ACCESS_KEY or API_KEY; only *_SECRET_ARN and *_SECRET_TTL are allowed): put the secret in Secrets Manager and pass its ARN (database.secret_arn for the database)."
  }

  validation {
    condition     = alltrue([for k, v in var.producer.environment : !can(regex("(?i:(://[^/?#@\\s]*@|[?&;]password=))|((AKIA|ASIA)[A-Z0-9]{16}|-----BEGIN [A-Z ]*PRIVATE KEY)", v))])
    error_message = "producer.environment has a value that looks like a secret (a URL with user:password@ or password=, an AWS access key id, a private key): put it in Secrets Manager and pass its ARN (database.secret_arn for the database)."
  }
}

variable "consumer" {
  description = <<-EOT
    The consumer function (the consumer's function.zip), triggered by the intent log. settings are its wail.sources.*
    configuration as environment variables (e.g. WAIL_SOURCES_SHOP_TABLES_ORDERS_KEY_COLUMNS = "id"), never secrets.
    batch_size, the batching window and maximum_concurrency shape the event source mapping; kinesis holds the
    stream-only settings (bisect on error, retry and age limits; failures go to the module's failure queue).
    Defaults, from the consumer's measured costs (docs/consumer.md, "Batch cost and memory"): batch_size 10 messages
    on SQS (the most without a batching window: producers pack many intents per message, so a batch is already
    hundreds to thousands of intents) and 100 records on Kinesis; no batching window (it would add up to its length
    to every change's latency at low rates); maximum_concurrency 50 (SQS only), which bounds the consumer's database
    connections (each instance holds up to max-connections per endpoint) far above the measured needs of 10k
    writes/s; set up to 1000 for more.
  EOT
  type = object({
    package = object({
      local_file        = optional(string)
      s3_bucket         = optional(string)
      s3_key            = optional(string)
      s3_object_version = optional(string)
      s3_sha256         = optional(string)
      runtime           = optional(string, "java21")
    })
    memory_size                        = optional(number, 1024)
    timeout                            = optional(number, 60)
    reserved_concurrent_executions     = optional(number)
    read_model_url                     = string
    settings                           = optional(map(string), {})
    dynamodb_source_table_arns         = optional(list(string), [])
    batch_size                         = optional(number)
    maximum_batching_window_in_seconds = optional(number, 0)
    maximum_concurrency                = optional(number, 50)
    kinesis = optional(object({
      starting_position              = optional(string, "TRIM_HORIZON")
      maximum_retry_attempts         = optional(number, 10)
      maximum_record_age_in_seconds  = optional(number, 3600)
      bisect_batch_on_function_error = optional(bool, true)
      parallelization_factor         = optional(number, 1)
    }), {})
  })

  validation {
    condition     = var.consumer.package.s3_bucket == null || var.consumer.package.s3_object_version != null || var.consumer.package.s3_sha256 != null
    error_message = "consumer.package.s3_bucket needs consumer.package.s3_object_version or consumer.package.s3_sha256 (the zip's base64 SHA-256, filebase64sha256): without either, new code uploaded under the same key is never deployed."
  }

  validation {
    condition     = contains(["java21", "provided.al2023"], var.consumer.package.runtime)
    error_message = "consumer.package.runtime must be java21 (the JVM zip) or provided.al2023 (the native zip with its bootstrap)."
  }

  validation {
    condition     = var.consumer.batch_size == null ? true : (var.consumer.batch_size >= 1 && var.consumer.batch_size <= 10000)
    error_message = "consumer.batch_size must be between 1 and 10000 (SQS standard and Kinesis; FIFO queues allow at most 10, checked against the queue)."
  }

  validation {
    condition     = var.consumer.maximum_batching_window_in_seconds >= 0 && var.consumer.maximum_batching_window_in_seconds <= 300
    error_message = "consumer.maximum_batching_window_in_seconds must be between 0 and 300."
  }

  validation {
    condition     = var.consumer.maximum_concurrency == null ? true : (var.consumer.maximum_concurrency >= 2 && var.consumer.maximum_concurrency <= 1000)
    error_message = "consumer.maximum_concurrency must be between 2 and 1000 (SQS event source mappings)."
  }

  validation {
    condition = (
      contains(["TRIM_HORIZON", "LATEST"], var.consumer.kinesis.starting_position) &&
      var.consumer.kinesis.maximum_retry_attempts >= -1 && var.consumer.kinesis.maximum_retry_attempts <= 10000 &&
      (var.consumer.kinesis.maximum_record_age_in_seconds == -1 || (var.consumer.kinesis.maximum_record_age_in_seconds >= 60 && var.consumer.kinesis.maximum_record_age_in_seconds <= 604800)) &&
      var.consumer.kinesis.parallelization_factor >= 1 && var.consumer.kinesis.parallelization_factor <= 10
    )
    error_message = "consumer.kinesis: starting position TRIM_HORIZON or LATEST, retries -1..10000, record age -1 or 60..604800 s, parallelization 1..10."
  }

  validation {
    condition     = alltrue([for k, v in var.consumer.settings : can(regex("^WAIL_", k)) && (!can(regex("(?i)(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY|API_KEY)", k)) || can(regex("_SECRET_(ARN|TTL)$", k)))])
    error_message = "consumer.settings keys must start with WAIL_ and carry no password or other secret (PASSWORD, SECRET, TOKEN, CREDENTIAL, PRIVATE_KEY, ACCESS_KEY, API_KEY; only *_SECRET_ARN and *_SECRET_TTL are allowed): credentials come from database.secret_arn."
  }

  # No secret in any value: variables and environment sit in the Terraform state and the function's configuration.
  validation {
    condition     = !can(regex("(?i)://[^/?#@\\s]*@", var.consumer.read_model_url)) && !can(regex("(?i)[?&;]password=", var.consumer.read_model_url))
    error_message = "consumer.read_model_url carries credentials (user:password@ or password=): give only host, port and database, and the user and password as a Secrets Manager secret in database.secret_arn (the consumer reads it at run time)."
  }

  validation {
    condition     = alltrue([for k, v in var.consumer.settings : !can(regex("(?i:(://[^/?#@\\s]*@|[?&;]password=))|((AKIA|ASIA)[A-Z0-9]{16}|-----BEGIN [A-Z ]*PRIVATE KEY)", v))])
    error_message = "consumer.settings has a value that looks like a secret (a URL with user:password@ or password=, e.g. a source's writer or reader URL; an AWS access key id; a private key): give URLs without credentials and the user and password in database.secret_arn."
  }
}

variable "database" {
  description = <<-EOT
    Database credentials for the functions that read PostgreSQL (outbox drain, consumer): a Secrets Manager secret
    holding {"username","password"} (the shape RDS-managed secrets have). The functions receive its ARN as
    WAIL_DATABASE_SECRET_ARN and may read it; no password ever passes through Terraform variables or state.
    kms_key_arn: the customer managed key encrypting the secret, if any (null for the AWS managed key).
  EOT
  type = object({
    secret_arn  = optional(string)
    kms_key_arn = optional(string)
  })
  default = {}

  validation {
    condition     = var.database.secret_arn == null ? true : can(regex("^arn:[^:]+:secretsmanager:[^:]+:[0-9]{12}:secret:.+$", var.database.secret_arn))
    error_message = "database.secret_arn must be a Secrets Manager secret ARN."
  }
}

variable "vpc" {
  description = "Subnets and security groups for the functions that reach the database (outbox drain, consumer); null keeps them outside any VPC. The subnets need a route to SQS/Kinesis (NAT or interface endpoints) for the drain, and to Secrets Manager."
  type = object({
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })
  default = null

  validation {
    condition     = var.vpc == null ? true : length(var.vpc.subnet_ids) > 0 && length(var.vpc.security_group_ids) > 0
    error_message = "vpc needs at least one subnet and one security group."
  }
}

variable "snap_start" {
  description = "Enable Lambda SnapStart on every function (java21; triggers then invoke the alias 'live' of the latest published version)."
  type        = bool
  default     = false
}

variable "monitoring" {
  description = <<-EOT
    Log retention, alarm thresholds (who is notified: alarm_notifications), and the freshness alarms: one per (source, table) on the functions'
    own EMF metric wail/FreshnessLagMs (dimensions Source, Table). Each producer function also alarms on its
    wail/Refused metric (input that could not become intents), and the outbox drain on wail/OutboxOldestAgeMs above
    outbox_oldest_row_age_ms (or no report for 5 minutes). The consumer alarms on wail/ConfigurationMismatch
    (dimension Function): a table's configuration no longer fits its source or read model table.
  EOT
  type = object({
    log_retention_days              = optional(number, 30)
    queue_oldest_message_age_s      = optional(number, 300)
    iterator_age_ms                 = optional(number, 60000)
    freshness_lag_ms                = optional(number, 60000)
    freshness_lag_statistic         = optional(string, "Maximum")
    outbox_oldest_row_age_ms        = optional(number, 300000)
    freshness_tables                = optional(list(object({ source = string, table = string })), [])
    dashboard_enabled               = optional(bool, true)
    failure_queue_retention_seconds = optional(number, 1209600)
  })
  default = {}

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.monitoring.log_retention_days)
    error_message = "monitoring.log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...; 0 = never expire)."
  }

  validation {
    condition     = var.monitoring.queue_oldest_message_age_s > 0 && var.monitoring.iterator_age_ms > 0 && var.monitoring.freshness_lag_ms > 0 && var.monitoring.outbox_oldest_row_age_ms > 0
    error_message = "Alarm thresholds must be positive."
  }
}

variable "encryption" {
  description = <<-EOT
    Customer managed KMS keys; each null keeps the AWS managed default. log_kms_key_arn: every function's log group
    (the key policy must let logs.<region>.amazonaws.com use it). environment_kms_key_arn: every function's
    environment variables. failure_queue_kms_key_arn: the failure queue (the functions that send to it get
    kms:GenerateDataKey and kms:Decrypt on it). The intent queue and its DLQ: intent_log.sqs.kms_key_arn; the stream:
    intent_log.kinesis.kms_key_arn; the alarm topic: alarm_notifications.kms_key_arn.
  EOT
  type = object({
    log_kms_key_arn           = optional(string)
    environment_kms_key_arn   = optional(string)
    failure_queue_kms_key_arn = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, v in var.encryption : v == null || can(regex("^arn:[^:]+:kms:[^:]+:[0-9]{12}:key/.+$", v))])
    error_message = "encryption.log_kms_key_arn, environment_kms_key_arn and failure_queue_kms_key_arn must be KMS key ARNs (arn:aws:kms:<region>:<account>:key/<id>), not aliases or key ids."
  }
}

variable "functions" {
  description = <<-EOT
    Settings shared by every function. architecture: x86_64 (default) or arm64; the JVM zip runs on both, a native
    zip only on the architecture it was built for (native-build/build.sh and the native workflow build x86_64).
    tracing_mode: PassThrough (default) or Active (X-Ray records every invocation; the roles get the X-Ray write
    actions, which AWS authorises only on "*").
  EOT
  type = object({
    architecture = optional(string, "x86_64")
    tracing_mode = optional(string, "PassThrough")
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["x86_64", "arm64"], var.functions.architecture)
    error_message = "functions.architecture must be x86_64 or arm64."
  }

  validation {
    condition     = contains(["PassThrough", "Active"], var.functions.tracing_mode)
    error_message = "functions.tracing_mode must be PassThrough or Active."
  }
}

variable "alarm_notifications" {
  description = <<-EOT
    Where every alarm goes (alarm_actions and ok_actions of each). topic_arn: an existing SNS topic (its key policy,
    if it is encrypted with a customer managed key, must let cloudwatch.amazonaws.com use the key). Otherwise the
    module creates the topic <name>-alarms, encrypted with kms_key_arn or with a key it creates (CloudWatch cannot
    publish to a topic under the AWS managed key alias/aws/sns), and subscribes each of subscriptions to it (e-mail
    subscriptions stay pending until the address confirms). One of the two is required: alarms that notify nobody
    are refused.
  EOT
  type = object({
    topic_arn = optional(string)
    subscriptions = optional(list(object({
      protocol = string
      endpoint = string
    })), [])
    kms_key_arn = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.alarm_notifications.topic_arn != null || length(var.alarm_notifications.subscriptions) > 0
    error_message = "alarm_notifications: the alarms would notify nobody. Set alarm_notifications.topic_arn to an existing SNS topic, or alarm_notifications.subscriptions (e.g. [{ protocol = \"email\", endpoint = \"oncall@example.com\" }]) for the topic the module creates."
  }

  validation {
    condition     = var.alarm_notifications.topic_arn == null || can(regex("^arn:[^:]+:sns:[^:]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.alarm_notifications.topic_arn))
    error_message = "alarm_notifications.topic_arn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)."
  }

  validation {
    condition     = var.alarm_notifications.topic_arn == null || (length(var.alarm_notifications.subscriptions) == 0 && var.alarm_notifications.kms_key_arn == null)
    error_message = "alarm_notifications.subscriptions and alarm_notifications.kms_key_arn apply to the topic the module creates: with topic_arn, subscribe and encrypt your topic where it is managed."
  }

  validation {
    condition     = alltrue([for s in var.alarm_notifications.subscriptions : contains(["email", "email-json", "sms", "https", "sqs", "lambda", "firehose", "application"], s.protocol)])
    error_message = "alarm_notifications.subscriptions[*].protocol must be one of email, email-json, sms, https, sqs, lambda, firehose, application."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
