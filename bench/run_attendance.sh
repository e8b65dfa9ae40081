#!/usr/bin/env bash
# Issue 15's attendance speed goal on the generated database (release build, 8 concurrent clients):
# the month's attendance sheet for the team (200 people, two years of clock events) p95 ≤ 200 ms.
# Usage (after bench/generate.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_attendance.py        # once: two years of clock events, leave and marks
#   bash bench/run_attendance.sh                # prints the table; also bench/out/attendance.txt
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${KEFU_BINARY:-.build-release/release/kefu}
DATA=${KEFU_BENCH_DATA:-bench/out/data}
DB=$DATA/kefu.sqlite3
PORT=${KEFU_BENCH_PORT:-8185}
DURATION=${KEFU_BENCH_DURATION:-15s}
URL=http://127.0.0.1:$PORT
OUT=bench/out/attendance.txt
mkdir -p bench/out
KEFU_DATA_DIR=$DATA KEFU_LOG_LEVEL=error "$BIN" serve --port "$PORT" --no-migrate > bench/out/server-attendance.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done

token() {
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"kefu-demo-2026\",\"name\":\"bench\"}" "$URL/api/v1/auth/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
session() {
  local jar=bench/out/cookies-attendance-$1.txt
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
LAST_MONTH=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m)

run() { # name token path [cookie]
  sleep 3
  local line
  line=$(KEFU_TOKEN=$2 KEFU_COOKIE=${4:-} wrk -t2 -c8 -d"$DURATION" --timeout 5s -s bench/p95.lua "$URL$3" | grep RESULT)
  printf '%-48s %s\n' "$1" "${line#RESULT }" | tee -a "$OUT"
}

: > "$OUT"
echo "Kefu attendance benchmark — $(date -u +%F\ %H:%M) UTC — $(sqlite3 "$DB" "SELECT (SELECT count(*) FROM staff WHERE is_active = 1) || ' people, ' || (SELECT count(*) FROM clock_records) || ' clock events, ' || (SELECT count(*) FROM attendance_marks) || ' marks'")" | tee -a "$OUT"
run "healthz"                                          ""             "/healthz"
run "team sheet last month (JSON), supervisor ≤200ms"  "$SUPERVISOR"  "/api/v1/attendance/team?month=$LAST_MONTH"
run "team sheet last month (HTML), supervisor ≤200ms"  ""             "/attendance/team?month=$LAST_MONTH" "$SUPERVISOR_COOKIE"
run "team sheet this month (JSON), supervisor"         "$SUPERVISOR"  "/api/v1/attendance/team"
run "own month (JSON), specialist"                     "$SPECIALIST"  "/api/v1/attendance/me?month=$LAST_MONTH"
run "own month page (HTML), specialist"                ""             "/attendance?month=$LAST_MONTH" "$LINA_COOKIE"
