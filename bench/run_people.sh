#!/usr/bin/env bash
# Issue 14's speed goals on the generated database (release build, 8 concurrent clients): the plan
# page with live progress p95 ≤ 50 ms; computing a whole assessment cycle for 200 people ≤ 5 s.
# Usage (after bench/generate.py, and preferably bench/generate_frontline.py and generate_contracts.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_people.py           # once: plans for every specialist, a cycle of 200
#   bash bench/run_people.sh                   # prints the table; also bench/out/people.txt
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${KEFU_BINARY:-.build-release/release/kefu}
DATA=${KEFU_BENCH_DATA:-bench/out/data}
DB=$DATA/kefu.sqlite3
PORT=${KEFU_BENCH_PORT:-8184}
DURATION=${KEFU_BENCH_DURATION:-15s}
URL=http://127.0.0.1:$PORT
OUT=bench/out/people.txt
mkdir -p bench/out
KEFU_DATA_DIR=$DATA KEFU_LOG_LEVEL=error "$BIN" serve --port "$PORT" --no-migrate > bench/out/server-people.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done

token() {
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"kefu-demo-2026\",\"name\":\"bench\"}" "$URL/api/v1/auth/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
session() {
  local jar=bench/out/cookies-people-$1.txt
  curl -sf -c "$jar" "$URL/login" >/dev/null
  local csrf
  csrf=$(awk '$6 == "kefu_csrf" {print $7}' "$jar")
  curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=$1" --data-urlencode "password=kefu-demo-2026" \
    --data-urlencode "_csrf=$csrf" "$URL/login"
  awk '$6 ~ /kefu_session/ {print $6 "=" $7}' "$jar"
}
SUPERVISOR=$(token wangjing)
SPECIALIST=$(token lina)
SUPERVISOR_COOKIE=$(session wangjing)
LINA_COOKIE=$(session lina)
LINA=$(sqlite3 "$DB" "SELECT id FROM staff WHERE username = 'lina'")
OWN_PLAN=$(sqlite3 "$DB" "SELECT id FROM work_plans WHERE staff_id = $LINA ORDER BY id DESC LIMIT 1")
TEAM_PLAN=$(sqlite3 "$DB" "SELECT id FROM work_plans WHERE staff_id IS NULL AND title = '季度部门计划' ORDER BY id DESC LIMIT 1")
CYCLE=$(sqlite3 "$DB" "SELECT id FROM assessment_cycles WHERE name = 'bench cycle'")

run() { # name token path [cookie]
  sleep 3
  local line
  line=$(KEFU_TOKEN=$2 KEFU_COOKIE=${4:-} wrk -t2 -c8 -d"$DURATION" --timeout 5s -s bench/p95.lua "$URL$3" | grep RESULT)
  printf '%-44s %s\n' "$1" "${line#RESULT }" | tee -a "$OUT"
}

: > "$OUT"
echo "Kefu people benchmark — $(date -u +%F\ %H:%M) UTC — $(sqlite3 "$DB" "SELECT (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM inquiries) || ' inquiries, ' || (SELECT count(*) FROM follow_ups) || ' follow-ups, ' || (SELECT count(*) FROM assessments WHERE cycle_id = $CYCLE) || ' people in the cycle'")" | tee -a "$OUT"
VERSION=$(sqlite3 "$DB" "SELECT version FROM assessment_cycles WHERE id = $CYCLE")
START=$(date +%s.%N)
curl -sf -o /dev/null -X POST -H "Authorization: Bearer $SUPERVISOR" -H 'Content-Type: application/json' \
  -d "{\"version\": $VERSION}" "$URL/api/v1/assessment-cycles/$CYCLE/recomputation"
END=$(date +%s.%N)
printf '%-44s %s s (goal ≤ 5 s)\n' "whole cycle recomputed (one request)" "$(python3 -c "print(round($END - $START, 2))")" | tee -a "$OUT"
run "healthz"                                      ""             "/healthz"
run "own plan page (HTML), specialist"             ""             "/work-plans/$OWN_PLAN" "$LINA_COOKIE"
run "own plan (JSON), specialist"                  "$SPECIALIST"  "/api/v1/work-plans/$OWN_PLAN"
run "department plan page (HTML), supervisor"      ""             "/work-plans/$TEAM_PLAN" "$SUPERVISOR_COOKIE"
run "department plan (JSON), supervisor"           "$SUPERVISOR"  "/api/v1/work-plans/$TEAM_PLAN"
# Quality inspection (issue 14 §2): one sample of 5 records per specialist for last month (one request,
# 200 people), then the inspection list under 8 clients.
MONTH_START=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%F)
MONTH_END=$(date -u -d "$(date -u +%Y-%m-01) -1 day" +%F)
START=$(date +%s.%N)
curl -sf -o /dev/null -X POST -H "Authorization: Bearer $SUPERVISOR" -H 'Content-Type: application/json' \
  -d "{\"periodStart\": \"$MONTH_START\", \"periodEnd\": \"$MONTH_END\", \"perPerson\": 5, \"seed\": 2026}" "$URL/api/v1/inspections/sample" || true
END=$(date +%s.%N)
printf '%-44s %s s\n' "inspection sample, 5 per person (one request)" "$(python3 -c "print(round($END - $START, 2))")" | tee -a "$OUT"
run "inspection list (JSON), supervisor"           "$SUPERVISOR"  "/api/v1/inspections"
run "inspection list page (HTML), supervisor"      ""             "/inspections" "$SUPERVISOR_COOKIE"
