#!/usr/bin/env bash
# The main job against an AWS-compatible endpoint instead of its embedded services: moto_server on 127.0.0.1 gets the
# resources from localstack/apply.sh (the same scripts LocalStack runs), then `local/run --endpoint` must end verified
# on the FIFO queue of the aurora-postgres-sqs example. Skips, saying why, when moto_server is not on the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v moto_server >/dev/null 2>&1; then
  echo "SKIPPED: moto_server is not on this machine, so local/run --endpoint was not checked"
  exit 0
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
state=$(mktemp -d)
moto_server -H 127.0.0.1 -p "$port" >"$state/moto.log" 2>&1 &
moto=$!
trap 'kill "$moto" 2>/dev/null || true; wait "$moto" 2>/dev/null || true; rm -rf "$state"' EXIT
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port" && break
  sleep 0.2
done
AWS_ENDPOINT_URL="http://127.0.0.1:$port" WAIL_LOCALSTACK_STATE="$state" localstack/apply.sh >"$state/apply.log" 2>&1 \
  || { cat "$state/apply.log" >&2; exit 1; }
# The outbox drain every 2 s instead of the module's rate(1 minute): the check must not wait a minute for a drain.
local/run --endpoint "http://127.0.0.1:$port" --log sqs-fifo --duration 8s --rate 20 --concurrency 2 \
  --producer-concurrency 2 --test-only-drain-every 2s --progress lines --progress-interval 4s \
  --work-dir local/target/endpoint-check
# Every write's intent went through the queue at the endpoint (FIFO deduplication drops only identical intents).
python3 - local/target/endpoint-check/summary.json <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
writes = s["source"]["writes"] - s["source"]["failedOperations"]
intents = s["consumer"]["intents"]
if intents < writes:
    sys.exit(f"the consumer took in {intents} intents for {writes} source writes: the log was not drained")
print(f"ok: the consumer took in {intents} intents for {writes} source writes")
PY
