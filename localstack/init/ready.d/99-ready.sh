#!/usr/bin/env bash
# Ends a run: writes the ready marker (WAIL_LOCALSTACK_STATE/ready, watched by docker-compose's healthcheck) and prints
# "wail: localstack ready", but only if every other script of this folder succeeded in this run: LocalStack runs the
# next init script even when one fails, so reaching this script proves nothing by itself.
set -euo pipefail
# shellcheck source=../wail-aws.bash
source "$(dirname "$0")/../wail-aws.bash"

[ -f "$wail_run_file" ] || die "no run started: 00-preflight.sh has not run (run localstack/apply.sh for the whole sequence)"
missing=()
for script in "$(dirname "$0")"/[0-9][0-9]-*.sh; do
  step=$(basename "$script")
  [ "$step" = "$wail_script" ] && continue
  cmp -s "$wail_run_file" "$WAIL_LOCALSTACK_STATE/$step.ok" || missing+=("$step")
done
[ "${#missing[@]}" = 0 ] || die "not ready: ${missing[*]} did not succeed in this run (see their output above)"

log "queues: $(aws_value 'QueueUrls[]' sqs list-queues | tr '\t' ' ')"
log "streams: $(aws_value 'StreamNames[]' kinesis list-streams | tr '\t' ' ')"
log "tables: $(aws_value 'TableNames[]' dynamodb list-tables | tr '\t' ' ')"
touch "$WAIL_LOCALSTACK_STATE/ready"
echo "wail: localstack ready"
