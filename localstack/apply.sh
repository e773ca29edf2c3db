#!/usr/bin/env bash
# Runs the LocalStack init scripts (init/ready.d/NN-*.sh) in order against any AWS-compatible endpoint and stops at the
# first that fails. Usage: AWS_ENDPOINT_URL=http://127.0.0.1:4566 localstack/apply.sh
# Settings: see init/wail-aws.bash (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION, WAIL_LOCALSTACK_STATE, WAIL_WAIT_SECONDS).
set -euo pipefail
for script in "$(cd "$(dirname "$0")" && pwd)"/init/ready.d/[0-9][0-9]-*.sh; do
  "$script" || { echo "wail: $(basename "$script") failed (exit $?); the later scripts were not run" >&2; exit 1; }
done
