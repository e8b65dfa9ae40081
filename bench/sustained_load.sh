#!/usr/bin/env bash
# Issue 18 §3 and §8: sustained load and memory on the million-customer database (release build).
# 200 connections (wrk -t2 -c200) for 60 s on each main read path — the customer list, a customer's file
# page, search, the workbench — and 30 s on each write path (communications, inquiries through the API), as
# signed-in people; then /healthz and a page must answer normally. Resident memory of the server is read
# from /proc/PID/status: the peak (VmHWM) of each phase, reset between phases (clear_refs 5), and the
# highest VmRSS sampled every half second; then the peak during an import of 100,000 rows.
# Goals: 0 errors; reads ≤ 300 MB resident, the import ≤ 500 MB peak.
#   bash bench/sustained_load.sh   (KEFU_BINARY, KEFU_BENCH_DATA as in run.sh; writes into that database)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/sustained.txt
READ_SECONDS=${KEFU_READ_SECONDS:-60}
WRITE_SECONDS=${KEFU_WRITE_SECONDS:-30}
CONNECTIONS=${KEFU_CONNECTIONS:-200}
source bench/lib.sh
start_server sustained "${KEFU_BENCH_PORT:-8187}"
SUPERVISOR=$(token wangjing)
SPECIALIST=$(token lina)
LINA=$(staff_id "$SPECIALIST")
CUSTOMER=$(curl -sf -H "Authorization: Bearer $SPECIALIST" "$URL/api/v1/customers?specialist=$LINA&perPage=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
SUPERVISOR_COOKIE=$(session wangjing)
SPECIALIST_COOKIE=$(session lina)
SEARCH=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("张伟"))')
CUSTOMERS=$(for n in $(seq 0 19); do curl -sf -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $SPECIALIST" \
  -d "{\"name\":\"持续压测$n\",\"companyName\":\"持续压测$n号有限公司\",\"mobile\":\"1750000$(printf %04d $n)\",\"source\":\"phone\",\"duplicateReason\":\"bench\"}" \
  "$URL/api/v1/customers" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; done | paste -sd, -)
FAILED=0

# Highest VmRSS of the phase, sampled by a background loop into this file.
SAMPLES=bench/out/sustained-rss.txt
# Each sample: VmRSS, then its anonymous part (the heap; the rest is the mapped database file) in kB.
(while kill -0 "$SERVER" 2>/dev/null; do
  awk '/VmRSS/ {rss = $2} /RssAnon/ {anon = $2} END {print rss, anon}' "/proc/$SERVER/status" >> "$SAMPLES" 2>/dev/null; sleep 0.5; done) &
SAMPLER=$!
trap 'kill $SAMPLER $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
begin_phase() { : > "$SAMPLES"; echo 5 > "/proc/$SERVER/clear_refs"; }
# label, limit in MB: the phase's memory, PASS/FAIL against the limit
end_phase() {
  local hwm rss
  hwm=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$SERVER/status")
  rss=$(sort -n "$SAMPLES" | tail -1 | awk '{print int($1 / 1024) " MB (heap " int($2 / 1024) " MB)"}')
  if [ "$hwm" -le "$2" ]; then verdict=PASS; else verdict=FAIL; FAILED=$((FAILED + 1)); fi
  printf '%-44s peak VmHWM %s MB, highest sampled VmRSS %s (goal ≤ %s MB) %s\n' "memory: $1" "$hwm" "$rss" "$2" "$verdict" | tee -a "$OUT"
}

# label, seconds, wrk script, path, token, cookie [, write kind]: one path under $CONNECTIONS connections
load() {
  local line status
  if [ -n "$4" ]; then # a read must be a page, not a redirect to the sign-in form
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $5" -H "Cookie: $6" "$URL$4")
    [ "$status" = 200 ] || { echo "$1: $4 answered $status before the load" | tee -a "$OUT"; FAILED=$((FAILED + 1)); }
  fi
  line=$(KEFU_TOKEN=$5 KEFU_COOKIE=$6 KEFU_WRITE=${7:-} KEFU_CUSTOMERS=$CUSTOMERS \
    wrk -t2 -c"$CONNECTIONS" -d"$2s" --timeout 10s -s "$3" "$URL$4" | grep RESULT)
  if [[ $line == *errors=0 ]]; then verdict=PASS; else verdict=FAIL; FAILED=$((FAILED + 1)); fi
  printf '%-44s %s %s\n' "$1" "${line#RESULT }" "$verdict" | tee -a "$OUT"
}

# after the load: /healthz and the list page, each answered 200 within a second
answers_normally() {
  local path status seconds
  for path in /healthz /customers; do
    read -r status seconds < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: $SUPERVISOR_COOKIE" "$URL$path")
    if [ "$status" = 200 ] && python3 -c "import sys; sys.exit(0 if $seconds < 1 else 1)"; then verdict=PASS; else verdict=FAIL; FAILED=$((FAILED + 1)); fi
    printf '%-44s status %s in %s s %s\n' "right after: $path" "$status" "$seconds" "$verdict" | tee -a "$OUT"
  done
}

CLIENTS=$CONNECTIONS DURATION=10s begin_table "Kefu sustained load (issue 18 §3, §8): ${READ_SECONDS} s per read, ${WRITE_SECONDS} s per write, healthz" \
  "SELECT (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM communication_records) || ' communication records'"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT"
begin_phase
load "read: customer list (HTML), supervisor"  "$READ_SECONDS" bench/p95.lua "/customers" "" "$SUPERVISOR_COOKIE"
load "read: customer file page (HTML)"         "$READ_SECONDS" bench/p95.lua "/customers/$CUSTOMER" "" "$SUPERVISOR_COOKIE"
load "read: search 张伟 (JSON), supervisor"     "$READ_SECONDS" bench/p95.lua "/api/v1/customers?q=$SEARCH" "$SUPERVISOR" ""
load "read: workbench (HTML), specialist"      "$READ_SECONDS" bench/p95.lua "/" "" "$SPECIALIST_COOKIE"
end_phase "the read load" 300
echo "load average after the reads: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT"
answers_normally
load "write: communications (API)"             "$WRITE_SECONDS" bench/writes.lua "" "$SPECIALIST" "" communication
load "write: inquiries (API)"                  "$WRITE_SECONDS" bench/writes.lua "" "$SPECIALIST" "" inquiry
answers_normally

# The import of run.sh: 100,000 new people in one request.
python3 - <<'PY'
import random, time
random.seed(time.time_ns())
surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
given = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "杰", "涛", "明", "超", "霞", "平"]
with open("bench/out/import.csv", "w", encoding="utf-8") as f:
    f.write("客户姓名,手机号码,公司名称,来源,客户阶段,城市\n")
    for i in range(100000):
        f.write(f"{random.choice(surnames)}{random.choice(given)},1{random.choice('3456789')}{random.randrange(10**9):09d},导入测试{random.randrange(10**9)}号贸易有限公司,电话,线索,苏州\n")
PY
begin_phase
read -r status seconds < <(curl -s -o bench/out/import.json -w '%{http_code} %{time_total}\n' -X POST -H "Authorization: Bearer $SPECIALIST" \
  -H 'Content-Type: text/csv' --data-binary @bench/out/import.csv "$URL/api/v1/customers/imports?duplicates=import")
printf '%-44s status %s in %s s, created %s\n' "import: 100,000 rows" "$status" "$seconds" \
  "$(python3 -c 'import json; print(json.load(open("bench/out/import.json")).get("created"))')" | tee -a "$OUT"
[ "$status" = 201 ] || [ "$status" = 200 ] || FAILED=$((FAILED + 1))
end_phase "the import of 100,000 rows" 500
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT"
if [ "$FAILED" = 0 ]; then echo "PASS sustained load and memory" | tee -a "$OUT"; else echo "FAIL $FAILED check(s)" | tee -a "$OUT"; exit 1; fi
