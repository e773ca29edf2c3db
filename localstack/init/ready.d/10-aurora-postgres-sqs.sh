#!/usr/bin/env bash
# The intent log of infra/examples/aurora-postgres-sqs with its default name (var.name = "wail-shop"): a FIFO intent
# queue with its FIFO dead-letter queue, and the failure queue that keeps the aurora-hook's failed asynchronous
# invocations. Not created: the functions, their IAM roles, log groups, alarms, the EventBridge schedule and the
# Aurora role (the local pipeline runs the handlers itself and plays the event source mappings).
set -euo pipefail
# shellcheck source=../wail-aws.bash
source "$(dirname "$0")/../wail-aws.bash"

name=wail-shop

# module.wail.aws_sqs_queue.dlq (infra/log.tf): FIFO like the queue it serves, dlq_message_retention_seconds (14 days).
ensure_queue "$name-intents-dlq.fifo" \
  MessageRetentionPeriod 1209600 \
  SqsManagedSseEnabled true
dlq_url=$queue_url

# module.wail.aws_sqs_queue.intents: the example's fifo = true, visibility_timeout_seconds = 360 and
# max_receive_count = 10 (the consumer's WAIL_CONSUMER_MAX_RECEIVE_COUNT); message_retention_seconds keeps the
# module's default (4 days).
ensure_queue "$name-intents.fifo" \
  VisibilityTimeout 360 \
  MessageRetentionPeriod 345600 \
  SqsManagedSseEnabled true \
  RedrivePolicy "$(redrive_policy "$dlq_url" 10)"

# module.wail.aws_sqs_queue.failures: failure_queue_retention_seconds (14 days).
ensure_queue "$name-failures" \
  MessageRetentionPeriod 1209600 \
  SqsManagedSseEnabled true
