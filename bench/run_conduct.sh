#!/usr/bin/env bash
# Issue 15's speed goals for discipline, awards and penalties (release build, 8 concurrent clients): the
# monthly award shortlist for 200 people ≤ 1 s; a person's record page p95 ≤ 30 ms.
# Usage (after bench/generate.py, and preferably bench/generate_frontline.py and generate_people.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_conduct.py          # once: two years of violations, penalties, awards
#   bash bench/run_conduct.sh                  # prints the table; also bench/out/conduct.txt
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/conduct.txt
source bench/lib.sh
start_server conduct "${KEFU_BENCH_PORT:-8185}"
SUPERVISOR=$(token wangjing)
SPECIALIST=$(token lina)
SUPERVISOR_COOKIE=$(session wangjing)
LINA_COOKIE=$(session lina)
LINA=$(staff_id "$SPECIALIST")
# The person with the most rows: the slowest record to read.
BUSIEST=$(sqlite3 "$DB" "SELECT staff_id FROM violations GROUP BY staff_id ORDER BY COUNT(*) DESC LIMIT 1")
MONTH=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m)

begin_table "Kefu conduct benchmark" "SELECT (SELECT count(*) FROM staff WHERE role = 'specialist') || ' specialists, ' || (SELECT count(*) FROM violations) || ' violations, ' || (SELECT count(*) FROM penalties) || ' penalties, ' || (SELECT count(*) FROM awards) || ' awards, ' || (SELECT count(*) FROM follow_ups) || ' follow-ups'"
timed "monthly shortlist $MONTH, one request" "≤ 1 s" -H "Authorization: Bearer $SUPERVISOR" "$URL/api/v1/awards/shortlist?month=$MONTH"
measure "own record page (HTML), specialist ≤30ms"               ""             "/people/$LINA/record" "$LINA_COOKIE"
measure "own record (JSON), specialist ≤30ms"                    "$SPECIALIST"  "/api/v1/people/$LINA/record"
measure "busiest person's record page (HTML), supervisor ≤30ms"  ""             "/people/$BUSIEST/record" "$SUPERVISOR_COOKIE"
measure "conduct overview page (HTML), supervisor"              ""             "/conduct" "$SUPERVISOR_COOKIE"
measure "shortlist page (HTML), supervisor"                     ""             "/conduct/awards/shortlist?month=$MONTH" "$SUPERVISOR_COOKIE"
