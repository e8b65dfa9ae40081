#!/usr/bin/env bash
# Issue 13's speed goals on the generated database (release build, 8 concurrent clients): the complaint
# list and a complaint's page p95 ≤ 20 ms; the scheduler's time-limit scan over all open complaints
# ≤ 1 s. Usage (after bench/generate.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_complaints.py       # once: 200,000 complaints, ~2 % open
#   bash bench/run_complaints.sh               # prints the table; also bench/out/complaints.txt
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${KEFU_BINARY:-.build-release/release/kefu}
DATA=${KEFU_BENCH_DATA:-bench/out/data}
DB=$DATA/kefu.sqlite3
PORT=${KEFU_BENCH_PORT:-8184}
DURATION=${KEFU_BENCH_DURATION:-15s}
URL=http://127.0.0.1:$PORT
OUT=bench/out/complaints.txt
mkdir -p bench/out

# The scan runs once at start (every open complaint, its pauses, the ladder); the scheduler records start and end.
sqlite3 "$DB" "UPDATE scheduled_jobs SET next_run_at = 0, locked_by = NULL, locked_until = NULL WHERE name = 'complaints.escalation';"
KEFU_DATA_DIR=$DATA KEFU_LOG_LEVEL=error KEFU_SCHEDULER_INTERVAL_SECONDS=1 "$BIN" serve --port "$PORT" --no-migrate > bench/out/server-complaints.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done
sleep 5
SCAN=$(sqlite3 "$DB" "SELECT round((last_finished_at - last_started_at) * 1000) FROM scheduled_jobs WHERE name = 'complaints.escalation'")

session() {
  local jar=bench/out/cookies-complaints-$1.txt
  curl -sf -c "$jar" "$URL/login" >/dev/null
  local csrf
  csrf=$(awk '$6 == "kefu_csrf" {print $7}' "$jar")
  curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=$1" --data-urlencode "password=kefu-demo-2026" \
    --data-urlencode "_csrf=$csrf" "$URL/login"
  awk '$6 ~ /kefu_session/ {print $6 "=" $7}' "$jar"
}
SUPERVISOR=$(session wangjing)
SPECIALIST=$(session lina)
OPEN=$(sqlite3 "$DB" "SELECT id FROM complaints WHERE state <> 'closed' ORDER BY id DESC LIMIT 1")

run() { # name, cookie, path
  local result
  result=$(wrk -t4 -c8 -d"$DURATION" --latency -s bench/p95.lua -H "Cookie: $2" "$URL$3" 2>/dev/null | awk '/p95/ {print $2}')
  printf '| %s | %s |\n' "$1" "$result" | tee -a "$OUT"
}
: > "$OUT"
printf '| measure | p95 / time |\n|---|---|\n' | tee -a "$OUT"
run "complaint list, supervisor (all)" "$SUPERVISOR" "/complaints"
run "complaint list, open only" "$SUPERVISOR" "/complaints?state=in_progress"
run "complaint list, specialist (own)" "$SPECIALIST" "/complaints"
run "complaint page" "$SUPERVISOR" "/complaints/$OPEN"
printf '| time-limit scan over open complaints | %s ms |\n' "$SCAN" | tee -a "$OUT"
