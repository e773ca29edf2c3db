# Helpers for the init scripts in ready.d/, sourced by each of them. LocalStack runs only *.sh and *.py files inside a
# stage folder, so this file is never run on its own.
#
# Every call goes through the plain AWS CLI (v1 or v2) with an explicit --endpoint-url: awscli v1 ignores
# AWS_ENDPOINT_URL for SQS, so the variable alone would send SQS calls to the real AWS host.
# Settings (environment):
#   AWS_ENDPOINT_URL        the AWS-compatible endpoint (default http://localhost:4566, LocalStack's edge port)
#   AWS_DEFAULT_REGION      region (default AWS_REGION, else us-east-1)
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY   dummy "test" unless set: emulators accept anything
#   WAIL_LOCALSTACK_STATE   folder of the per-run markers and the ready marker (default /tmp/wail-localstack)
#   WAIL_WAIT_SECONDS       how long to wait for a stream or table to become ACTIVE (default 60)
set -Eeuo pipefail

: "${AWS_ENDPOINT_URL:=http://localhost:4566}"
: "${AWS_DEFAULT_REGION:=${AWS_REGION:-us-east-1}}"
: "${AWS_ACCESS_KEY_ID:=test}"
: "${AWS_SECRET_ACCESS_KEY:=test}"
: "${WAIL_LOCALSTACK_STATE:=/tmp/wail-localstack}"
: "${WAIL_WAIT_SECONDS:=60}"
# AWS_PAGER="" keeps CLI v2 from paging output in a terminal (v1 has no pager).
export AWS_ENDPOINT_URL AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY WAIL_LOCALSTACK_STATE AWS_PAGER=""

wail_script=$(basename "$0")
wail_run_file="$WAIL_LOCALSTACK_STATE/run"
mkdir -p "$WAIL_LOCALSTACK_STATE"

log() { printf 'wail: %s: %s\n' "$wail_script" "$*"; }

die() {
  printf 'wail: %s: ERROR: %s\n' "$wail_script" "$*" >&2
  wail_failed_reported=1
  exit 1
}

# Any command that fails without a die() of its own is reported once, with the line, the command and the endpoint
# (by the script itself, not by the $(...) subshell the failure may have started in).
wail_on_error() {
  local status=$1 line=$2 command=$3
  if [ "$BASH_SUBSHELL" = 0 ] && [ -z "${wail_failed_reported:-}" ]; then
    printf 'wail: %s: ERROR: line %s: `%s` failed (exit %s); endpoint %s, region %s\n' \
      "$wail_script" "$line" "$command" "$status" "$AWS_ENDPOINT_URL" "$AWS_DEFAULT_REGION" >&2
    wail_failed_reported=1
  fi
}

# A script that exits 0 records the current run's id (written by 00-preflight.sh), so that 99-ready.sh can tell a
# script of this run that succeeded from one that failed or did not run (LocalStack runs the next script either way).
wail_on_exit() {
  local status=$1
  if [ "$status" = 0 ] && [ -f "$wail_run_file" ]; then
    cp "$wail_run_file" "$WAIL_LOCALSTACK_STATE/$wail_script.ok"
  fi
}

trap 'wail_on_error $? $LINENO "$BASH_COMMAND"' ERR
trap 'wail_on_exit $?' EXIT

# aws_json ARGS...: one AWS CLI call against the endpoint, JSON on stdout.
aws_json() {
  aws --endpoint-url "$AWS_ENDPOINT_URL" --region "$AWS_DEFAULT_REGION" --output json "$@"
}

# aws_value QUERY ARGS...: one value of a call's answer (JMESPath QUERY), as text.
aws_value() {
  local query=$1
  shift
  aws --endpoint-url "$AWS_ENDPOINT_URL" --region "$AWS_DEFAULT_REGION" --output text --query "$query" "$@"
}

# try_value VAR QUERY ARGS...: like aws_value, but into the variable VAR; returns 1 if the service says the resource
# does not exist, and dies with the service's own message on any other error (an unreachable endpoint must not read as
# "absent"). It runs in the calling shell, not in a $(...) subshell, so that its die() ends the script.
try_value() {
  local var=$1 value err="$WAIL_LOCALSTACK_STATE/$wail_script.err"
  shift
  if value=$(aws_value "$@" 2>"$err"); then
    printf -v "$var" '%s' "$value"
    return 0
  fi
  if grep -q 'NotFoundException' "$err"; then
    return 1
  fi
  cat "$err" >&2
  die "aws ${*:2} failed at $AWS_ENDPOINT_URL (see the message above)"
}

# await_active WHAT QUERY ARGS...: polls a describe call every half second until the first field of QUERY (the
# status) is ACTIVE, at most WAIL_WAIT_SECONDS; prints the fields. Streams and tables are CREATING or UPDATING for a
# while on AWS and on kinesis-mock.
await_active() {
  local what=$1 fields deadline=$((SECONDS + WAIL_WAIT_SECONDS))
  shift
  while true; do
    fields=$(aws_value "$@")
    [ "${fields%%$'\t'*}" != ACTIVE ] || break
    [ "$SECONDS" -lt "$deadline" ] || die "$what is still ${fields%%$'\t'*} after ${WAIL_WAIT_SECONDS}s, expected ACTIVE"
    sleep 0.5
  done
  printf '%s\n' "$fields"
}

# json_object KEY VALUE [KEY VALUE ...]: a JSON object of string values (SQS takes every attribute as a string).
json_object() {
  local out="" separator="" value
  while [ "$#" -ge 2 ]; do
    value=${2//\\/\\\\}
    value=${value//\"/\\\"}
    out+="$separator\"$1\":\"$value\""
    separator=","
    shift 2
  done
  printf '{%s}' "$out"
}

# ensure_queue NAME [ATTRIBUTE VALUE ...]: creates the queue if absent, then sets all its attributes, so that a re-run
# repairs drift instead of failing with QueueAlreadyExists. FIFO-ness is fixed at creation and follows the name, as
# the module's validation requires. Attributes not given take the values the Terraform AWS provider (5.x) sends.
# Leaves the queue's URL in queue_url.
ensure_queue() {
  local name=$1
  shift
  local -A attributes=([DelaySeconds]=0 [MaximumMessageSize]=262144 [MessageRetentionPeriod]=345600
    [ReceiveMessageWaitTimeSeconds]=0 [VisibilityTimeout]=30)
  local create=()
  if [[ $name == *.fifo ]]; then
    create=(--attributes FifoQueue=true)
    attributes[ContentBasedDeduplication]=false
  fi
  while [ "$#" -ge 2 ]; do
    attributes[$1]=$2
    shift 2
  done
  local pairs=() key
  for key in "${!attributes[@]}"; do pairs+=("$key" "${attributes[$key]}"); done

  queue_url=$(aws_value QueueUrl sqs create-queue --queue-name "$name" "${create[@]}")
  aws_json sqs set-queue-attributes --queue-url "$queue_url" --attributes "$(json_object "${pairs[@]}")" >/dev/null
  log "queue $name: $queue_url"
}

# redrive_policy QUEUE_URL MAX_RECEIVE_COUNT: the RedrivePolicy attribute that moves a message to that queue (the DLQ)
# after that many receives.
redrive_policy() {
  json_object deadLetterTargetArn "$(aws_value Attributes.QueueArn sqs get-queue-attributes --queue-url "$1" --attribute-names QueueArn)" \
    maxReceiveCount "$2"
}

# ensure_kms_key ALIAS DESCRIPTION: a symmetric encryption key with automatic rotation behind ALIAS, created if the
# alias is absent (usage and spec named as the Terraform provider sends them); prints the key's ARN.
ensure_kms_key() {
  local alias=$1 description=$2 key
  if ! try_value key 'KeyMetadata.[KeyId, Arn]' kms describe-key --key-id "$alias"; then
    key=$(aws_value 'KeyMetadata.[KeyId, Arn]' kms create-key --description "$description" \
      --key-usage ENCRYPT_DECRYPT --key-spec SYMMETRIC_DEFAULT)
    aws_json kms create-alias --alias-name "$alias" --target-key-id "${key%%$'\t'*}" >/dev/null
  fi
  aws_json kms enable-key-rotation --key-id "${key%%$'\t'*}" >/dev/null
  printf '%s\n' "${key#*$'\t'}"
}

stream_fields='StreamDescriptionSummary.[StreamStatus, StreamModeDetails.StreamMode, RetentionPeriodHours, EncryptionType, KeyId]'

# ensure_stream NAME MODE RETENTION_HOURS KMS_KEY_ARN [SHARDS]: a Kinesis stream, ON_DEMAND or PROVISIONED (with
# SHARDS), encrypted with the key, created if absent; retention and encryption are brought to the values given
# either way. Waits until the stream is ACTIVE.
ensure_stream() {
  local name=$1 mode=$2 retention=$3 key=$4 shards=${5:-} fields status current_mode current_retention encryption current_key
  local describe=(kinesis describe-stream-summary --stream-name "$name") changed=""
  if ! try_value fields "$stream_fields" "${describe[@]}"; then
    local shard_args=()
    [ "$mode" = PROVISIONED ] && shard_args=(--shard-count "$shards")
    aws_json kinesis create-stream --stream-name "$name" --stream-mode-details "StreamMode=$mode" "${shard_args[@]}" >/dev/null
    fields=CREATING
  fi
  [ "${fields%%$'\t'*}" = ACTIVE ] || fields=$(await_active "stream $name" "$stream_fields" "${describe[@]}")
  IFS=$'\t' read -r status current_mode current_retention encryption current_key <<<"$fields"
  [ "$current_mode" = "$mode" ] || die "stream $name exists in mode $current_mode, expected $mode: delete it (aws kinesis delete-stream --stream-name $name) and run again"
  if [ "$current_retention" -lt "$retention" ]; then
    aws_json kinesis increase-stream-retention-period --stream-name "$name" --retention-period-hours "$retention" >/dev/null
    changed=1
  elif [ "$current_retention" -gt "$retention" ]; then
    aws_json kinesis decrease-stream-retention-period --stream-name "$name" --retention-period-hours "$retention" >/dev/null
    changed=1
  fi
  if [ "$encryption" != KMS ] || [ "$current_key" != "$key" ]; then
    [ -z "$changed" ] || await_active "stream $name" "$stream_fields" "${describe[@]}" >/dev/null
    aws_json kinesis start-stream-encryption --stream-name "$name" --encryption-type KMS --key-id "$key" >/dev/null
    changed=1
  fi
  [ -z "$changed" ] || await_active "stream $name" "$stream_fields" "${describe[@]}" >/dev/null
  log "stream $name: $mode, ${retention}h retention, KMS key $key"
}

table_fields='Table.[TableStatus, join(`,`, KeySchema[].join(`:`, [AttributeName, KeyType])), BillingModeSummary.BillingMode, StreamSpecification.StreamEnabled, StreamSpecification.StreamViewType]'

# ensure_table NAME HASH_KEY HASH_KEY_TYPE STREAM_VIEW_TYPE: an on-demand table with a stream, server-side encryption
# (AWS managed key) and point-in-time recovery. A table that exists with another key schema or stream view type is
# an error (neither can change in place); a missing stream or on-demand billing is switched on.
ensure_table() {
  local name=$1 hash_key=$2 hash_type=$3 view_type=$4 fields status keys billing streaming current_view
  local describe=(dynamodb describe-table --table-name "$name")
  if ! try_value fields "$table_fields" "${describe[@]}"; then
    aws_json dynamodb create-table --table-name "$name" --billing-mode PAY_PER_REQUEST \
      --attribute-definitions "AttributeName=$hash_key,AttributeType=$hash_type" \
      --key-schema "AttributeName=$hash_key,KeyType=HASH" \
      --stream-specification "StreamEnabled=true,StreamViewType=$view_type" \
      --sse-specification Enabled=true,SSEType=KMS >/dev/null
    fields=CREATING
  fi
  [ "${fields%%$'\t'*}" = ACTIVE ] || fields=$(await_active "table $name" "$table_fields" "${describe[@]}")
  IFS=$'\t' read -r status keys billing streaming current_view <<<"$fields"
  [ "$keys" = "$hash_key:HASH" ] || die "table $name exists with key schema $keys, expected $hash_key:HASH: delete it (aws dynamodb delete-table --table-name $name) and run again"
  if [ "$streaming" = True ] && [ "$current_view" != "$view_type" ]; then
    die "table $name streams $current_view, expected $view_type: disable its stream (aws dynamodb update-table --table-name $name --stream-specification StreamEnabled=false) and run again"
  fi
  if [ "$streaming" != True ]; then
    aws_json dynamodb update-table --table-name "$name" --stream-specification "StreamEnabled=true,StreamViewType=$view_type" >/dev/null
    await_active "table $name" "$table_fields" "${describe[@]}" >/dev/null
  fi
  if [ "$billing" != PAY_PER_REQUEST ]; then
    aws_json dynamodb update-table --table-name "$name" --billing-mode PAY_PER_REQUEST >/dev/null
    await_active "table $name" "$table_fields" "${describe[@]}" >/dev/null
  fi
  aws_json dynamodb update-continuous-backups --table-name "$name" \
    --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true >/dev/null
  log "table $name: key $hash_key ($hash_type), stream $view_type, on demand, point-in-time recovery"
}
