#!/usr/bin/env bash
# Issue 14's speed goals on the generated database (release build, 8 concurrent clients): the plan
# page with live progress p95 ≤ 50 ms; computing a whole assessment cycle for 200 people ≤ 5 s.
# Usage (after bench/generate.py, and preferably bench/generate_frontline.py and generate_contracts.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_people.py           # once: plans for every specialist, a cycle of 200
#   bash bench/run_people.sh                   # prints the table; also bench/out/people.txt
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/people.txt
source bench/lib.sh
start_server people "${KEFU_BENCH_PORT:-8184}"
SUPERVISOR=$(token wangjing)
SPECIALIST=$(token lina)
SUPERVISOR_COOKIE=$(session wangjing)
LINA_COOKIE=$(session lina)
LINA=$(staff_id "$SPECIALIST")
OWN_PLAN=$(sqlite3 "$DB" "SELECT id FROM work_plans WHERE staff_id = $LINA ORDER BY id DESC LIMIT 1")
TEAM_PLAN=$(sqlite3 "$DB" "SELECT id FROM work_plans WHERE staff_id IS NULL AND title = '季度部门计划' ORDER BY id DESC LIMIT 1")
CYCLE=$(sqlite3 "$DB" "SELECT id FROM assessment_cycles WHERE name = 'bench cycle'")

begin_table "Kefu people benchmark" "SELECT (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM inquiries) || ' inquiries, ' || (SELECT count(*) FROM follow_ups) || ' follow-ups, ' || (SELECT count(*) FROM assessments WHERE cycle_id = $CYCLE) || ' people in the cycle'"
# Each recomputation is a new version of the cycle: read it before each request.
for attempt in 1 2 3; do
  VERSION=$(sqlite3 "$DB" "SELECT version FROM assessment_cycles WHERE id = $CYCLE")
  START=$(date +%s.%N)
  STATUS=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $SUPERVISOR" -H 'Content-Type: application/json' \
    -d "{\"version\": $VERSION}" "$URL/api/v1/assessment-cycles/$CYCLE/recomputation")
  END=$(date +%s.%N)
  printf '%-50s %s s, status %s (goal ≤ 5 s)\n' "whole cycle recomputed, one request ($attempt)" "$(python3 -c "print(round($END - $START, 2))")" "$STATUS" | tee -a "$OUT"
done
measure "own plan page (HTML), specialist ≤50ms"           ""             "/work-plans/$OWN_PLAN" "$LINA_COOKIE"
measure "own plan (JSON), specialist ≤50ms"                "$SPECIALIST"  "/api/v1/work-plans/$OWN_PLAN"
measure "department plan page (HTML), supervisor ≤50ms"    ""             "/work-plans/$TEAM_PLAN" "$SUPERVISOR_COOKIE"
measure "department plan (JSON), supervisor ≤50ms"         "$SUPERVISOR"  "/api/v1/work-plans/$TEAM_PLAN"
# Quality inspection (issue 14 §2): one sample of 5 records per specialist for last month (one request,
# 200 people), then the inspection list under 8 clients.
MONTH_START=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%F)
MONTH_END=$(date -u -d "$(date -u +%Y-%m-01) -1 day" +%F)
START=$(date +%s.%N)
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $SUPERVISOR" -H 'Content-Type: application/json' \
  -d "{\"periodStart\": \"$MONTH_START\", \"periodEnd\": \"$MONTH_END\", \"perPerson\": 5, \"seed\": 2026}" "$URL/api/v1/inspections/sample")
END=$(date +%s.%N)
printf '%-50s %s s, status %s\n' "inspection sample, 5 per person (one request)" "$(python3 -c "print(round($END - $START, 2))")" "$STATUS" | tee -a "$OUT"
measure "inspection list (JSON), supervisor"           "$SUPERVISOR"  "/api/v1/inspections"
measure "inspection list page (HTML), supervisor"      ""             "/inspections" "$SUPERVISOR_COOKIE"
