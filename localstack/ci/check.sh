#!/usr/bin/env bash
# CI check of localstack/: runs the init scripts (localstack/apply.sh) against moto_server on 127.0.0.1 (dummy
# credentials, nothing leaves the machine), checks every resource and its attributes with the AWS CLI, proves that a
# second run repairs drift and changes nothing else, and compares the resources with plans of the Terraform examples
# (infra/examples), so that changing an example without the scripts fails here. Also: the error paths (unreachable
# endpoint, a table in the way, a failed script before the ready marker) and the compose file's consistency with the
# scripts. Docker is not needed: LocalStack itself is not started here.
# What cannot run (no moto_server, no AWS CLI; no terraform or provider mirror for the comparison) is printed as
# SKIPPED with the reason.
set -euo pipefail
localstack=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$localstack/.." && pwd)
plugins=${WAIL_TF_PLUGIN_DIR:-/opt/tf-plugins}
examples=(aurora-postgres-sqs dynamodb-kinesis)
verify=(python3 "$localstack/ci/verify.py")

step() { printf -- '-- %s (t=%ss)\n' "$*" "$SECONDS"; }
skip() { printf 'SKIPPED: %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

step "docker-compose.yml agrees with the scripts (checked as text: no container engine here)"
compose="$localstack/docker-compose.yml"
state_dir=$(sed -n 's/^ *WAIL_LOCALSTACK_STATE: *//p' "$compose")
grep -q -- "- ./init:/etc/localstack/init" "$compose" || fail "$compose does not mount ./init at /etc/localstack/init"
grep -Fq "\"test\", \"-f\", \"$state_dir/ready\"" "$compose" || fail "$compose: the healthcheck does not wait for $state_dir/ready"
services=$(sed -n 's/^ *SERVICES: *//p' "$compose")
for service in sqs kinesis dynamodb dynamodbstreams kms; do
  [[ ",$services," == *",$service,"* ]] || fail "$compose: SERVICES ($services) lacks $service, which the scripts or wail use"
done
for script in "$localstack"/init/ready.d/*; do
  [ -x "$script" ] || fail "$script is not executable: LocalStack runs only executable init scripts"
done
echo "mounts init/, SERVICES=$services, healthcheck on $state_dir/ready, scripts executable"

moto=$(command -v moto_server || true)
[ -z "$moto" ] && [ -x /root/.pyenv/shims/moto_server ] && moto=/root/.pyenv/shims/moto_server
if [ -z "$moto" ]; then
  skip "running the init scripts: moto_server is not installed (they need an AWS API endpoint; this check never calls real AWS)"
  exit 0
fi
if ! command -v aws >/dev/null; then
  skip "running the init scripts: the AWS CLI (aws) is not on PATH"
  exit 0
fi
aws --version 2>&1

work=$(mktemp -d "${TMPDIR:-/tmp}/wail-localstack-check.XXXXXX")
moto_pid=
plan_pids=()
cleanup() {
  local pid
  for pid in "${plan_pids[@]}"; do
    pkill -P "$pid" 2>/dev/null || true # its terraform, if one is running
  done
  for pid in "${plan_pids[@]}" $moto_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

step "moto_server on 127.0.0.1"
port=$(free_port)
"$moto" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=test \
  AWS_SECRET_ACCESS_KEY=test WAIL_LOCALSTACK_STATE="$work/state"
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "$AWS_ENDPOINT_URL/moto-api/" && break
  kill -0 "$moto_pid" 2>/dev/null || { cat "$work/moto.log"; fail "moto_server exited"; }
  sleep 0.2
done
curl -fs -o /dev/null "$AWS_ENDPOINT_URL/moto-api/" || fail "moto_server did not answer on $AWS_ENDPOINT_URL"
echo "moto_server pid $moto_pid on $AWS_ENDPOINT_URL"

# plan_example NAME [SED_SCRIPT]: terraform plan of an example (edited by SED_SCRIPT, if given) against moto_server,
# written to $work/plans/NAME.plan.json (or $work/edited/...). A plan creates nothing at the endpoint. Run it in the
# background only.
plan_example() {
  local example=$1 edit=${2:-} out="$work/plans"
  [ -n "$edit" ] && out="$work/edited"
  local root="$out/infra-$example"
  mkdir -p "$root"
  cp -r "$repo/infra/." "$root"
  find "$root" \( -name .terraform -o -name .terraform.lock.hcl -o -name "*.tfstate*" \) -prune -exec rm -rf {} +
  local dir="$root/examples/$example"
  [ -z "$edit" ] || sed -i "$edit" "$dir/main.tf"
  sed "s#@ENDPOINT@#$AWS_ENDPOINT_URL#" "$repo/infra/ci/moto_override.tf.tpl" >"$dir/moto_override.tf"
  cp "$repo/infra/ci/$example.moto.tfvars" "$dir/moto.auto.tfvars"
  # The functions are not compared: a placeholder stands in for their zips.
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("README", "placeholder")' "$dir/placeholder.zip"
  printf 'producer_zip = "placeholder.zip"\nconsumer_zip = "placeholder.zip"\n' >>"$dir/moto.auto.tfvars"
  # Runs in a background subshell of its own, so cd is harmless. nice: the plans take the CPU the scripts leave idle
  # (2 cores) instead of slowing them down.
  cd "$dir"
  nice -n 10 terraform init -backend=false -plugin-dir="$plugins" -no-color >init.log 2>&1 || { cat init.log; exit 1; }
  nice -n 10 terraform plan -no-color -out=tfplan >plan.log 2>&1 || { cat plan.log; exit 1; }
  nice -n 10 terraform show -json tfplan >"$out/$example.plan.json"
}

if ! command -v terraform >/dev/null; then
  skip "comparison with the Terraform examples: terraform is not on PATH"
elif [ ! -d "$plugins/registry.terraform.io/hashicorp/aws" ]; then
  skip "comparison with the Terraform examples: no local provider mirror at $plugins (this check never downloads providers)"
else
  step "terraform plans of ${examples[*]}, and of aurora-postgres-sqs with max_receive_count = 7, in the background"
  export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
  for example in "${examples[@]}"; do
    plan_example "$example" >"$work/plan-$example.log" 2>&1 &
    plan_pids+=($!)
  done
  plan_example aurora-postgres-sqs 's/max_receive_count *= 10/max_receive_count = 7/' >"$work/plan-edited.log" 2>&1 &
  plan_pids+=($!)
fi

# expect_failure WHAT MESSAGE COMMAND...: COMMAND must fail and say MESSAGE.
expect_failure() {
  local what=$1 message=$2
  shift 2
  if "$@" >"$work/out.log" 2>&1; then cat "$work/out.log"; fail "$what: succeeded"; fi
  grep -Fq -- "$message" "$work/out.log" || { cat "$work/out.log"; fail "$what: the output lacks '$message'"; }
  echo "refused as expected: $what: $(grep -F -- "$message" "$work/out.log" | head -1)"
}

step "error paths"
closed="http://127.0.0.1:$(free_port)"
expect_failure "an unreachable endpoint" "cannot reach an SQS API at $closed" \
  env AWS_ENDPOINT_URL="$closed" "$localstack/init/ready.d/00-preflight.sh"
"$localstack/init/ready.d/00-preflight.sh" >/dev/null
aws --endpoint-url "$AWS_ENDPOINT_URL" dynamodb create-table --table-name customers --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=customer_id,AttributeType=S --key-schema AttributeName=customer_id,KeyType=HASH >/dev/null
expect_failure "a table in the way" "table customers exists with key schema customer_id:HASH, expected id:HASH" \
  "$localstack/init/ready.d/20-dynamodb-kinesis.sh"
expect_failure "the ready marker after a failed script" "not ready: 10-aurora-postgres-sqs.sh 20-dynamodb-kinesis.sh did not succeed" \
  "$localstack/init/ready.d/99-ready.sh"
[ ! -e "$WAIL_LOCALSTACK_STATE/ready" ] || fail "99-ready.sh wrote the ready marker although the other scripts failed"
curl -fs -X POST -o /dev/null "$AWS_ENDPOINT_URL/moto-api/reset"

step "first run: localstack/apply.sh"
"$localstack/apply.sh" | tee "$work/first.log"
grep -qx "wail: localstack ready" "$work/first.log" || fail "the first run did not print 'wail: localstack ready'"
[ -f "$WAIL_LOCALSTACK_STATE/ready" ] || fail "the first run wrote no ready marker"

step "every resource with its attributes (AWS CLI)"
"${verify[@]}" snapshot "$work/first.json"
"${verify[@]}" check "$work/first.json"

step "drift: visibility timeout, retention, point-in-time recovery and key rotation changed by hand"
cli() { aws --endpoint-url "$AWS_ENDPOINT_URL" --output json "$@" >/dev/null; }
queue_url=$(aws --endpoint-url "$AWS_ENDPOINT_URL" --output text sqs get-queue-url --queue-name wail-shop-intents.fifo)
cli sqs set-queue-attributes --queue-url "$queue_url" --attributes VisibilityTimeout=1,MessageRetentionPeriod=60
cli kinesis increase-stream-retention-period --stream-name wail-crm-intents --retention-period-hours 48
cli dynamodb update-continuous-backups --table-name customers --point-in-time-recovery-specification PointInTimeRecoveryEnabled=false
cli kms disable-key-rotation --key-id "$(aws --endpoint-url "$AWS_ENDPOINT_URL" --output text kms describe-key --key-id alias/wail-crm-intents --query KeyMetadata.KeyId)"
drifted=$(aws --endpoint-url "$AWS_ENDPOINT_URL" --output text sqs get-queue-attributes --queue-url "$queue_url" \
  --attribute-names VisibilityTimeout --query Attributes.VisibilityTimeout)
[ "$drifted" = 1 ] || fail "the drift did not take: VisibilityTimeout is $drifted"

step "second run repairs the drift and changes nothing else"
"$localstack/apply.sh" >"$work/second.log" || { cat "$work/second.log"; fail "the second run failed"; }
grep -qx "wail: localstack ready" "$work/second.log" || { cat "$work/second.log"; fail "the second run is not ready"; }
"${verify[@]}" snapshot "$work/second.json"
"${verify[@]}" same "$work/first.json" "$work/second.json"

if [ "${#plan_pids[@]}" -gt 0 ]; then
  step "the resources against the Terraform examples' plans"
  for i in "${!plan_pids[@]}"; do
    wait "${plan_pids[$i]}" || { cat "$work"/plan-*.log; fail "a terraform plan failed"; }
  done
  plan_pids=()
  "${verify[@]}" terraform "$work/second.json" "$work"/plans/*.plan.json
  "${verify[@]}" self-test "$work/second.json" "$work"/plans/*.plan.json
  expect_failure "an example changed without the scripts (max_receive_count = 7)" \
    "RedrivePolicy(target, maxReceiveCount) is ('wail-shop-intents-dlq.fifo', 10) at the endpoint but ('wail-shop-intents-dlq.fifo', 7)" \
    "${verify[@]}" terraform "$work/second.json" "$work/edited/aurora-postgres-sqs.plan.json" "$work/plans/dynamodb-kinesis.plan.json"
fi
step "localstack checks passed"
