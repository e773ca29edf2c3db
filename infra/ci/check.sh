#!/usr/bin/env bash
# Terraform checks for infra/: fmt, offline init and validate of the module and every example, input validation
# refusing bad values, then plan + apply of both examples against moto_server on 127.0.0.1 (dummy credentials,
# nothing leaves the machine) and the policy test over the post-apply plan's JSON.
# Whatever cannot run here (no terraform, no local provider mirror, no moto_server) is reported as SKIPPED with the
# reason. Function zips: WAIL_PRODUCER_ZIP / WAIL_CONSUMER_ZIP, else functions/*/target/function.zip (built by
# `mvn verify`), else a placeholder zip (said so: Lambda create on moto does not run the code).
set -euo pipefail
infra=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$infra/.." && pwd)
plugins=${WAIL_TF_PLUGIN_DIR:-/opt/tf-plugins}
examples=(aurora-postgres-sqs dynamodb-kinesis)

step() { printf -- '-- %s (t=%ss)\n' "$*" "$SECONDS"; }
skip() { printf 'SKIPPED: %s\n' "$*"; }

if ! command -v terraform >/dev/null; then
  skip "every Terraform check (fmt, init, validate, plan, apply, policy test): terraform is not on PATH"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/wail-infra-check.XXXXXX")
moto_pid=
cleanup() {
  if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A scratch copy keeps .terraform folders, state and overrides out of the source tree.
cp -r "$infra" "$work/infra"
# The examples' lock files stay: init must accept them as they are (-lockfile=readonly below).
find "$work/infra" \( -name .terraform -o -name "*.tfstate*" \) -prune -exec rm -rf {} +
find "$work/infra" -name .terraform.lock.hcl -not -path "*/examples/*" -delete
cat >"$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$plugins"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
terraform version | sed -n 1p

step "terraform fmt -check -recursive"
terraform fmt -check -recursive -diff "$infra"

if [ ! -d "$plugins/registry.terraform.io/hashicorp/aws" ]; then
  skip "init, validate, plan, apply, policy test: no local provider mirror at $plugins (this check never downloads providers)"
  exit 0
fi


step "terraform init (offline, provider mirror $plugins; the examples' lock files read-only) and validate: module, modules/function, examples"
for dir in . modules/function "${examples[@]/#/examples/}"; do
  lockfile=() # an example's committed lock file must already name the provider build in use, hashes included
  [[ "$dir" == examples/* ]] && lockfile=(-lockfile=readonly)
  (cd "$work/infra/$dir" && terraform init -backend=false -no-color "${lockfile[@]}" >"$work/init.log" 2>&1 || { cat "$work/init.log"; exit 1; }
   terraform validate -no-color | grep -v "^$" | sed "s#^#  $dir: #")
done

step "terraform test (tests/*.tftest.hcl: mocked provider, plans only)"
(cd "$work/infra" && terraform test -no-color >"$work/test.log" 2>&1) || { cat "$work/test.log"; echo "terraform test failed" >&2; exit 1; }
grep -E '^(  run |Success|Failure)' "$work/test.log"

moto=$(command -v moto_server || true)
[ -z "$moto" ] && [ -x /root/.pyenv/shims/moto_server ] && moto=/root/.pyenv/shims/moto_server
if [ -z "$moto" ]; then
  skip "input validation, plan, apply and policy test: moto_server is not installed (they need an AWS API endpoint; this check never calls real AWS)"
  exit 0
fi

zip_for() { # $1 = producer|consumer
  local var="WAIL_$(tr a-z A-Z <<<"$1")_ZIP" built="$repo/functions/$1/target/function.zip"
  if [ -n "${!var:-}" ]; then echo "${!var}"
  elif [ -s "$built" ]; then echo "$built"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("README", "placeholder: mvn verify builds the real zip")' "$work/$1-placeholder.zip"
    echo "$work/$1-placeholder.zip"
  fi
}
producer_zip=$(zip_for producer)
consumer_zip=$(zip_for consumer)
echo "producer zip: $producer_zip ($(du -h "$producer_zip" | cut -f1)); consumer zip: $consumer_zip ($(du -h "$consumer_zip" | cut -f1))"

step "moto_server on 127.0.0.1"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$moto" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
endpoint="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "$endpoint/moto-api/" && break
  kill -0 "$moto_pid" 2>/dev/null || { cat "$work/moto.log"; echo "moto_server exited" >&2; exit 1; }
  sleep 0.2
done
curl -fs -o /dev/null "$endpoint/moto-api/" || { echo "moto_server did not answer on $endpoint" >&2; exit 1; }
echo "moto_server pid $moto_pid on $endpoint"

point_at_moto() { # $1 = a scratch root module
  sed "s#@ENDPOINT@#$endpoint#" "$infra/ci/moto_override.tf.tpl" >"$1/moto_override.tf"
}

step "input validation refuses bad values (plan of a scratch root with broken inputs)"
mkdir -p "$work/invalid"
cp "$infra/ci/invalid_inputs.tf.tpl" "$work/invalid/main.tf"
point_at_moto "$work/invalid"
sed -i "s#@ZIP@#$producer_zip#" "$work/invalid/main.tf"
(cd "$work/invalid" && terraform init -backend=false -no-color >/dev/null && ! terraform plan -no-color >"$work/invalid.log" 2>&1) \
  || { cat "$work/invalid.log"; echo "a plan with invalid inputs did not fail" >&2; exit 1; }
for expected in 'must end in ".fifo"' 'max_receive_count must be an integer from 1 to 1000' \
                 'consumer.batch_size must be between 1 and 10000' 'carry no password' \
                 'producer.package.runtime must be java21 (the JVM zip) or provided.al2023' \
                 'alarm_notifications: the alarms would notify nobody' \
                 'producer.outbox_drain.datasource_url carries credentials' 'consumer.read_model_url carries credentials' \
                 'producer.environment has a key that names a secret' 'producer.environment has a value that looks like a secret' \
                 'consumer.settings has a value that looks like a secret' \
                 'must be KMS key ARNs' 'functions.architecture must be x86_64 or arm64' \
                 'consumer.package.s3_bucket needs consumer.package.s3_object_version or'; do
  grep -Fq "$expected" "$work/invalid.log" || { cat "$work/invalid.log"; echo "missing validation error: $expected" >&2; exit 1; }
  echo "  refused: $expected"
done

deploy_example() { # $1 = example; plan, apply, plan again, policy test
  local dir="$work/infra/examples/$1"
  point_at_moto "$dir"
  cp "$infra/ci/$1.moto.tfvars" "$dir/moto.auto.tfvars"
  printf 'producer_zip = "%s"\nconsumer_zip = "%s"\n' "$producer_zip" "$consumer_zip" >>"$dir/moto.auto.tfvars"
  cd "$dir"
  terraform plan -no-color -out=first.tfplan >plan.log 2>&1 || { cat plan.log; return 1; }
  grep -E '^Plan:' plan.log
  terraform apply -no-color -auto-approve first.tfplan >apply.log 2>&1 || { cat apply.log; return 1; }
  grep -E '^Apply complete' apply.log
  # Before apply, IAM documents and ARNs are unknown; the plan made after apply knows every value.
  terraform plan -no-color -out=after.tfplan >after.log 2>&1 || { cat after.log; return 1; }
  echo "second plan (drift is moto echoing some attributes differently, not a module change): $(grep -E '^(Plan:|No changes)' after.log)"
  terraform show -json after.tfplan >after.json
  python3 "$infra/ci/policy_test.py" --self-test after.json "$work/infra"
}

step "plan, apply, plan and policy test of ${examples[*]} against moto_server (in parallel)"
pids=()
for example in "${examples[@]}"; do
  (deploy_example "$example" >"$work/$example.log" 2>&1) &
  pids+=($!)
done
failed=0
for i in "${!examples[@]}"; do
  if wait "${pids[$i]}"; then status=ok; else status=FAILED; failed=1; fi
  echo "== ${examples[$i]}: $status"
  sed 's/^/  /' "$work/${examples[$i]}.log"
done
[ "$failed" = 0 ] || { echo "terraform checks failed" >&2; exit 1; }
step "terraform checks passed"
