#!/usr/bin/env bash
# Issue 18 §9: writes on SQLite near the storage floor. Creates customers, logs communications and
# records inquiries through the API at 16 clients (wrk, 2 threads) for KEFU_BENCH_DURATION each, beside
# the same run's /healthz. Goal: ≥ 1,000 creates/s with p99 ≤ 50 ms, every answer 2xx.
#   bash bench/run_writes.sh     (KEFU_BINARY, KEFU_BENCH_DATA as in run.sh; writes into that database)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${KEFU_BINARY:-.build-release/release/kefu}
DATA=${KEFU_BENCH_DATA:-bench/out/data}
PORT=${KEFU_BENCH_PORT:-8185}
DURATION=${KEFU_BENCH_DURATION:-20s}
CLIENTS=${KEFU_BENCH_CLIENTS:-16}
URL=http://127.0.0.1:$PORT
OUT=bench/out/writes.txt
mkdir -p bench/out
: > "$OUT"
KEFU_DATA_DIR=$DATA KEFU_LOG_LEVEL=error KEFU_SCHEDULER_INTERVAL_SECONDS=0 "$BIN" serve --port "$PORT" --no-migrate > bench/out/server-writes.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done
TOKEN=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"username":"lina","password":"kefu-demo-2026","name":"bench"}' \
  "$URL/api/v1/auth/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# lina's own customers, for the communications and inquiries.
CUSTOMERS=$(for n in $(seq 0 19); do curl -sf -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
  -d "{\"name\":\"写入压测$n\",\"companyName\":\"写入压测$n号有限公司\",\"mobile\":\"1760000$(printf %04d $n)\",\"source\":\"phone\",\"duplicateReason\":\"bench\"}" \
  "$URL/api/v1/customers" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; done | paste -sd, -)
run() { # name lua-kind
  sleep 2
  local line
  line=$(KEFU_TOKEN=$TOKEN KEFU_WRITE=$2 KEFU_CUSTOMERS=$CUSTOMERS wrk -t2 -c"$CLIENTS" -d"$DURATION" --timeout 10s -s bench/writes.lua "$URL" | grep RESULT)
  printf '%-36s %s\n' "$1" "${line#RESULT }" | tee -a "$OUT"
}
line=$(wrk -t2 -c"$CLIENTS" -d10s -s bench/p95.lua "$URL/healthz" | grep RESULT)
printf '%-36s %s\n' "/healthz" "${line#RESULT }" | tee -a "$OUT"
run "create customers ($CLIENTS clients)" customer
run "log communications ($CLIENTS clients)" communication
run "record inquiries ($CLIENTS clients)" inquiry
