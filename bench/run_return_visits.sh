#!/usr/bin/env bash
# Issue 13 §6–7 on the generated database (release build, 8 concurrent clients beside /healthz): the
# return-visit lists (due and overdue, the supervisor's all and a specialist's own — the overdue scan reads
# the partial indexes over visits still due), a visit's page, the workbench with its overdue card, the
# feedback list and a liaison's; and the scheduler's hourly scan that opens the visits falling due.
# Usage (after bench/generate.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_return_visits.py      # once
#   bash bench/run_return_visits.sh              # prints the table; also bench/out/return-visits.txt
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${KEFU_BINARY:-.build-release/release/kefu}
DATA=${KEFU_BENCH_DATA:-bench/out/data}
DB=$DATA/kefu.sqlite3
PORT=${KEFU_BENCH_PORT:-8185}
DURATION=${KEFU_BENCH_DURATION:-15s}
URL=http://127.0.0.1:$PORT
OUT=bench/out/return-visits.txt
mkdir -p bench/out

sqlite3 "$DB" "UPDATE scheduled_jobs SET next_run_at = 0, locked_by = NULL, locked_until = NULL WHERE name = 'return_visits.schedule';"
KEFU_DATA_DIR=$DATA KEFU_LOG_LEVEL=error KEFU_SCHEDULER_INTERVAL_SECONDS=1 "$BIN" serve --port "$PORT" --no-migrate > bench/out/server-return-visits.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done
sleep 5
SCAN=$(sqlite3 "$DB" "SELECT round((last_finished_at - last_started_at) * 1000) FROM scheduled_jobs WHERE name = 'return_visits.schedule'")

session() {
  local jar=bench/out/cookies-return-visits-$1.txt
  curl -sf -c "$jar" "$URL/login" >/dev/null
  local csrf
  csrf=$(awk '$6 == "kefu_csrf" {print $7}' "$jar")
  curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=$1" --data-urlencode "password=kefu-demo-2026" \
    --data-urlencode "_csrf=$csrf" "$URL/login"
  awk '$6 ~ /kefu_session/ {print $6 "=" $7}' "$jar"
}
SUPERVISOR=$(session wangjing)
SPECIALIST=$(session lina)
LIAISON=$(session sunlei)
VISIT=$(sqlite3 "$DB" "SELECT id FROM return_visits WHERE state = 'due' ORDER BY due_at LIMIT 1")

# /healthz beside each list: the health check must stay fast while the lists are read.
run() { # name, cookie, path
  local result health
  wrk -t1 -c1 -d"$DURATION" --latency -s bench/p95.lua "$URL/healthz" > bench/out/health-return-visits.txt 2>/dev/null &
  local beside=$!
  result=$(wrk -t4 -c8 -d"$DURATION" --latency -s bench/p95.lua -H "Cookie: $2" "$URL$3" 2>/dev/null | awk '/p95/ {print $2}')
  wait $beside
  health=$(awk '/p95/ {print $2}' bench/out/health-return-visits.txt)
  printf '| %s | %s | %s |\n' "$1" "$result" "$health" | tee -a "$OUT"
}
: > "$OUT"
printf '| measure | p95 / time | /healthz p95 beside |\n|---|---|---|\n' | tee -a "$OUT"
run "return visits due, supervisor (all)" "$SUPERVISOR" "/return-visits"
run "return visits overdue, supervisor (all)" "$SUPERVISOR" "/return-visits?view=overdue"
run "return visits overdue, specialist (own)" "$SPECIALIST" "/return-visits?view=overdue"
run "a return visit's page" "$SUPERVISOR" "/return-visits/$VISIT"
run "workbench with overdue visits, specialist" "$SPECIALIST" "/"
run "feedback list, supervisor" "$SUPERVISOR" "/feedback"
run "feedback list, liaison (their department)" "$LIAISON" "/feedback"
printf '| scheduler scan opening the visits falling due | %s ms | |\n' "$SCAN" | tee -a "$OUT"
