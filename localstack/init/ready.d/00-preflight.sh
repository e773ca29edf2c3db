#!/usr/bin/env bash
# Starts a run: checks that the AWS CLI is there and the endpoint answers, and forgets the markers of any earlier run
# (a restarted LocalStack container keeps /tmp but not its resources, so an old ready marker would lie).
set -euo pipefail
# shellcheck source=../wail-aws.bash
source "$(dirname "$0")/../wail-aws.bash"

command -v aws >/dev/null || die "the AWS CLI (aws) is not on PATH: install awscli (v1 or v2)"

rm -f "$WAIL_LOCALSTACK_STATE"/*.ok "$WAIL_LOCALSTACK_STATE/ready"
printf '%s-%s\n' "$(date +%s)" "$$" >"$wail_run_file"

# One attempt with short timeouts: the CLI's default retries would hide an unreachable endpoint for a minute.
if ! AWS_MAX_ATTEMPTS=1 aws_json --cli-connect-timeout 5 --cli-read-timeout 20 sqs list-queues >/dev/null; then
  die "cannot reach an SQS API at $AWS_ENDPOINT_URL (region $AWS_DEFAULT_REGION): start LocalStack (docker compose -f localstack/docker-compose.yml up -d) or set AWS_ENDPOINT_URL"
fi
log "creating the resources of infra/examples at $AWS_ENDPOINT_URL, region $AWS_DEFAULT_REGION"
