#!/usr/bin/env bash
# Issue 15's speed goals for discipline, awards and penalties (release build, 8 concurrent clients): the
# monthly award shortlist for 200 people ≤ 1 s; a person's record page p95 ≤ 30 ms.
# Usage (after bench/generate.py, and preferably bench/generate_frontline.py and generate_people.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_conduct.py          # once: two years of violations, penalties, awards
#   bash bench/run_conduct.sh                  # prints the table; also bench/out/conduct.txt
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${KEFU_BINARY:-.build-release/release/kefu}
DATA=${KEFU_BENCH_DATA:-bench/out/data}
DB=$DATA/kefu.sqlite3
PORT=${KEFU_BENCH_PORT:-8185}
DURATION=${KEFU_BENCH_DURATION:-15s}
URL=http://127.0.0.1:$PORT
OUT=bench/out/conduct.txt
mkdir -p bench/out
KEFU_DATA_DIR=$DATA KEFU_LOG_LEVEL=error "$BIN" serve --port "$PORT" --no-migrate > bench/out/server-conduct.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done

token() {
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"kefu-demo-2026\",\"name\":\"bench\"}" "$URL/api/v1/auth/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
session() {
  local jar=bench/out/cookies-conduct-$1.txt
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
# The person with the most rows: the slowest record to read.
BUSIEST=$(sqlite3 "$DB" "SELECT staff_id FROM violations GROUP BY staff_id ORDER BY COUNT(*) DESC LIMIT 1")
MONTH=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m)

run() { # name token path [cookie]
  sleep 3
  local line
  line=$(KEFU_TOKEN=$2 KEFU_COOKIE=${4:-} wrk -t2 -c8 -d"$DURATION" --timeout 5s -s bench/p95.lua "$URL$3" | grep RESULT)
  printf '%-48s %s\n' "$1" "${line#RESULT }" | tee -a "$OUT"
}

: > "$OUT"
echo "Kefu conduct benchmark — $(date -u +%F\ %H:%M) UTC — $(sqlite3 "$DB" "SELECT (SELECT count(*) FROM staff WHERE role = 'specialist') || ' specialists, ' || (SELECT count(*) FROM violations) || ' violations, ' || (SELECT count(*) FROM penalties) || ' penalties, ' || (SELECT count(*) FROM awards) || ' awards, ' || (SELECT count(*) FROM follow_ups) || ' follow-ups'")" | tee -a "$OUT"
for attempt in 1 2 3; do
  START=$(date +%s.%N)
  curl -sf -o /dev/null -H "Authorization: Bearer $SUPERVISOR" "$URL/api/v1/awards/shortlist?month=$MONTH"
  END=$(date +%s.%N)
  printf '%-48s %s s (goal ≤ 1 s)\n' "monthly shortlist $MONTH, one request ($attempt)" "$(python3 -c "print(round($END - $START, 3))")" | tee -a "$OUT"
done
run "healthz"                                          ""             "/healthz"
run "own record page (HTML), specialist"               ""             "/people/$LINA/record" "$LINA_COOKIE"
run "own record (JSON), specialist"                    "$SPECIALIST"  "/api/v1/people/$LINA/record"
run "busiest person's record page (HTML), supervisor"  ""             "/people/$BUSIEST/record" "$SUPERVISOR_COOKIE"
run "conduct overview page (HTML), supervisor"         ""             "/conduct" "$SUPERVISOR_COOKIE"
run "shortlist page (HTML), supervisor"                ""             "/conduct/awards/shortlist?month=$MONTH" "$SUPERVISOR_COOKIE"
echo "goal: a person's record page p95 ≤ 30 ms" | tee -a "$OUT"
