#!/usr/bin/env bash
# The resources of infra/examples/dynamodb-kinesis with its default name (var.name = "wail-crm"): the example's own
# customers table with its KEYS_ONLY stream, the KMS-encrypted on-demand intent stream, and the failure queue of the
# stream mappings. Not created: the functions, their event source mappings, IAM roles, log groups and alarms.
set -euo pipefail
# shellcheck source=../wail-aws.bash
source "$(dirname "$0")/../wail-aws.bash"

name=wail-crm

# aws_dynamodb_table.customers: hash key id (S), PAY_PER_REQUEST, stream KEYS_ONLY, point-in-time recovery and
# server-side encryption on.
ensure_table customers id S KEYS_ONLY

# module.wail.aws_kms_key.stream + aws_kms_alias.stream (infra/log.tf): the key the module creates for the stream.
stream_key=$(ensure_kms_key "alias/$name-intents" "wail $name: encrypts the intent stream")

# module.wail.aws_kinesis_stream.intents: the example's mode = "ON_DEMAND", retention_period_hours = 24, KMS.
ensure_stream "$name-intents" ON_DEMAND 24 "$stream_key"

# module.wail.aws_sqs_queue.failures: failure_queue_retention_seconds (14 days).
ensure_queue "$name-failures" \
  MessageRetentionPeriod 1209600 \
  SqsManagedSseEnabled true
