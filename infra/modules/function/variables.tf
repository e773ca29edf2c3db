variable "name" {
  description = "Function name; also names its role, log group and alarms."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "A Lambda function name is 1 to 64 letters, digits, '-' or '_'."
  }
}

variable "handler_name" {
  description = "The Quarkus handler this function serves (QUARKUS_LAMBDA_HANDLER): outbox-drain, aurora-hook, dynamodb-stream, consumer-sqs, consumer-kinesis, or install-schema (the consumer zip's deploy-time schema step)."
  type        = string

  validation {
    condition     = contains(["outbox-drain", "aurora-hook", "dynamodb-stream", "consumer-sqs", "consumer-kinesis", "install-schema"], var.handler_name)
    error_message = "handler_name must be one of outbox-drain, aurora-hook, dynamodb-stream, consumer-sqs, consumer-kinesis, install-schema."
  }
}

variable "package" {
  description = "Where the function.zip is: a local file, or an S3 object (needed above Lambda's 50 MB direct upload limit) with its s3_object_version (a versioned bucket) or s3_sha256 (the zip's base64 SHA-256, as filebase64sha256 or `openssl dgst -sha256 -binary function.zip | base64` gives it), so that new code under the same key is noticed; runtime: java21 for the JVM zip (target/function.zip of mvn verify), provided.al2023 for the native zip (a bootstrap executable, from native-build/build.sh)."
  type = object({
    local_file        = optional(string)
    s3_bucket         = optional(string)
    s3_key            = optional(string)
    s3_object_version = optional(string)
    s3_sha256         = optional(string)
    runtime           = optional(string, "java21")
  })

  validation {
    condition     = (var.package.local_file != null) != (var.package.s3_bucket != null && var.package.s3_key != null)
    error_message = "Set either package.local_file, or package.s3_bucket and package.s3_key, not both."
  }

  validation {
    condition     = var.package.s3_bucket == null || var.package.s3_object_version != null || var.package.s3_sha256 != null
    error_message = "package.s3_bucket needs package.s3_object_version or package.s3_sha256 (the zip's base64 SHA-256): without either, new code uploaded under the same key is never deployed."
  }

  validation {
    condition     = var.package.s3_sha256 == null || can(regex("^[A-Za-z0-9+/]{43}=$", var.package.s3_sha256))
    error_message = "package.s3_sha256 must be the base64 SHA-256 of the zip (44 characters ending in '=', as filebase64sha256 gives it), not a hex digest."
  }

  validation {
    condition     = contains(["java21", "provided.al2023"], var.package.runtime)
    error_message = "package.runtime must be java21 (the JVM zip) or provided.al2023 (the native zip with its bootstrap)."
  }
}

variable "memory_size" {
  description = "Memory in MB (128 to 10240)."
  type        = number

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "Lambda memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout in seconds (1 to 900)."
  type        = number

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "Lambda timeout must be between 1 and 900 seconds."
  }
}

variable "snap_start" {
  description = "Enable SnapStart (java21 only; a native executable starts fast without it): publishes a version on every change and points the alias 'live' at it; triggers use the alias."
  type        = bool
  default     = false
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency; null leaves the function unreserved."
  type        = number
  default     = null
}

variable "environment" {
  description = "Environment variables besides QUARKUS_LAMBDA_HANDLER (which this module sets)."
  type        = map(string)
  default     = {}
}

variable "vpc" {
  description = "Subnets and security groups for database access; null runs the function outside any VPC."
  type = object({
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })
  default = null
}

variable "policy_statements" {
  description = "The function's own permissions beyond writing its logs (and managing VPC interfaces when in a VPC). Every resource must be an ARN; a '*' resource is only accepted for actions AWS cannot scope, and the caller says why in 'why_unscoped'."
  type = list(object({
    sid          = string
    actions      = list(string)
    resources    = list(string)
    why_unscoped = optional(string)
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.policy_statements : alltrue([for a in s.actions : !strcontains(a, "*")])])
    error_message = "Actions must be named one by one: no '*' in policy_statements actions."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : !contains(s.resources, "*") || s.why_unscoped != null])
    error_message = "A '*' resource needs why_unscoped (AWS offers no resource-level permission for the action)."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days."
  type        = number
}

variable "log_kms_key_arn" {
  description = "KMS key encrypting the log group; null uses CloudWatch Logs' own encryption."
  type        = string
  default     = null
}

variable "environment_kms_key_arn" {
  description = "KMS key encrypting the function's environment variables; null uses Lambda's AWS managed key."
  type        = string
  default     = null
}

variable "tracing_mode" {
  description = "X-Ray tracing: PassThrough (Lambda's default: trace only when the caller sampled) or Active (Lambda samples and records every invocation; the role gets xray:PutTraceSegments and xray:PutTelemetryRecords)."
  type        = string
  default     = "PassThrough"

  validation {
    condition     = contains(["PassThrough", "Active"], var.tracing_mode)
    error_message = "tracing_mode must be PassThrough or Active."
  }
}

variable "architecture" {
  description = "Instruction set: x86_64 or arm64 (the JVM zip runs on both; a native zip only on the one it was built for)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires or clears (the root module's alarm topic); at least one."
  type        = list(string)

  validation {
    condition     = length(var.alarm_actions) > 0
    error_message = "alarm_actions must name at least one ARN (an SNS topic): an alarm that notifies nobody is not monitoring."
  }
}

variable "iterator_age_alarm_ms" {
  description = "For stream-triggered functions, alarm when the function's IteratorAge exceeds this many milliseconds; null adds no such alarm."
  type        = number
  default     = null
}

variable "duration_alarm_ms" {
  description = "Alarm when an invocation's Duration exceeds this many milliseconds; null: 90% of the timeout."
  type        = number
  default     = null
}

variable "has_failure_destination" {
  description = "The function has an on-failure destination (asynchronous invoke config or a stream mapping): alarm on DestinationDeliveryFailures."
  type        = bool
  default     = false
}

variable "invoked_asynchronously" {
  description = "The function is invoked asynchronously (the aurora-hook): alarm on AsyncEventsDropped."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
