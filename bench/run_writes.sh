#!/usr/bin/env bash
# Issue 18 §9: writes on SQLite near the storage floor. Creates customers, logs communications and
# records inquiries through the API at 16 clients (wrk, 2 threads) for KEFU_BENCH_DURATION each, beside
# the same run's /healthz. Goal: ≥ 1,000 creates/s with p99 ≤ 50 ms, every answer 2xx.
#   bash bench/run_writes.sh     (KEFU_BINARY, KEFU_BENCH_DATA as in run.sh; writes into that database)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/writes.txt
KEFU_BENCH_DURATION=${KEFU_BENCH_DURATION:-20s}
KEFU_BENCH_CLIENTS=${KEFU_BENCH_CLIENTS:-16}
source bench/lib.sh
start_server writes "${KEFU_BENCH_PORT:-8185}"
TOKEN=$(token lina)
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
begin_table "Kefu writes benchmark" "SELECT (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM communication_records) || ' communication records'"
run "create customers ($CLIENTS clients)" customer
run "log communications ($CLIENTS clients)" communication
run "record inquiries ($CLIENTS clients)" inquiry
