#!/usr/bin/env bash
# Issue 15's attendance speed goal on the generated database (release build, 8 concurrent clients):
# the month's attendance sheet for the team (200 people, two years of clock events) ≤ 200 ms.
# Usage (after bench/generate.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_attendance.py        # once: two years of clock events, leave and marks
#   bash bench/run_attendance.sh                # prints the table; also bench/out/attendance.txt
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/attendance.txt
source bench/lib.sh
start_server attendance "${KEFU_BENCH_PORT:-8185}"
SUPERVISOR=$(token wangjing)
SPECIALIST=$(token lina)
SUPERVISOR_COOKIE=$(session wangjing)
LINA_COOKIE=$(session lina)
LAST_MONTH=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m)

begin_table "Kefu attendance benchmark" "SELECT (SELECT count(*) FROM staff WHERE is_active = 1) || ' people, ' || (SELECT count(*) FROM clock_records) || ' clock events, ' || (SELECT count(*) FROM attendance_marks) || ' marks'"
measure "team sheet last month (JSON), supervisor ≤200ms"  "$SUPERVISOR"  "/api/v1/attendance/team?month=$LAST_MONTH"
measure "team sheet last month (HTML), supervisor ≤200ms"  ""             "/attendance/team?month=$LAST_MONTH" "$SUPERVISOR_COOKIE"
measure "team sheet this month (JSON), supervisor"         "$SUPERVISOR"  "/api/v1/attendance/team"
measure "own month (JSON), specialist"                     "$SPECIALIST"  "/api/v1/attendance/me?month=$LAST_MONTH"
measure "own month page (HTML), specialist"                ""             "/attendance?month=$LAST_MONTH" "$LINA_COOKIE"
