#!/usr/bin/env bash
# Issue 12's speed goals on the generated database (release build, 8 concurrent clients, beside
# /healthz): the contract page and the contract list p95 ≤ 20 ms; the supervisor's overdue
# obligations p95 ≤ 30 ms; the scheduler's obligation scan ≤ 1 s. Usage (after bench/generate.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_contracts.py        # once: 100,000 contracts, ~500,000 obligations
#   bash bench/run_contracts.sh                # prints the table; also bench/out/contracts.txt
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${KEFU_BINARY:-.build-release/release/kefu}
DATA=${KEFU_BENCH_DATA:-bench/out/data}
DB=$DATA/kefu.sqlite3
PORT=${KEFU_BENCH_PORT:-8183}
DURATION=${KEFU_BENCH_DURATION:-15s}
URL=http://127.0.0.1:$PORT
OUT=bench/out/contracts.txt
mkdir -p bench/out
TODAY=$(TZ=Asia/Shanghai date +%F)

# The scan: a day's reminders still to give (the ones whose window opened yesterday or today, and
# yesterday's overdue), then a run with nothing new; the scheduler records start and end.
sqlite3 "$DB" "UPDATE contract_obligations SET due_soon_reminded_on = NULL WHERE remind_on >= date('$TODAY','-1 day') AND done_at IS NULL AND due_on >= '$TODAY';
  UPDATE contract_obligations SET overdue_reminded_on = NULL WHERE due_on = date('$TODAY','-1 day') AND done_at IS NULL;
  UPDATE scheduled_jobs SET next_run_at = 0, locked_by = NULL, locked_until = NULL WHERE name = 'obligations.scan';"
KEFU_DATA_DIR=$DATA KEFU_LOG_LEVEL=error KEFU_SCHEDULER_INTERVAL_SECONDS=1 "$BIN" serve --port "$PORT" --no-migrate > bench/out/server-contracts.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done
sleep 5
SCAN_BURST=$(sqlite3 "$DB" "SELECT round((last_finished_at - last_started_at) * 1000) FROM scheduled_jobs WHERE name = 'obligations.scan'")
sqlite3 "$DB" "UPDATE scheduled_jobs SET next_run_at = 0 WHERE name = 'obligations.scan'"
sleep 5
SCAN_QUIET=$(sqlite3 "$DB" "SELECT round((last_finished_at - last_started_at) * 1000) FROM scheduled_jobs WHERE name = 'obligations.scan'")

token() {
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"kefu-demo-2026\",\"name\":\"bench\"}" "$URL/api/v1/auth/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
session() {
  local jar=bench/out/cookies-contracts-$1.txt
  curl -sf -c "$jar" "$URL/login" >/dev/null
  local csrf
  csrf=$(awk '$6 == "kefu_csrf" {print $7}' "$jar")
  curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=$1" --data-urlencode "password=kefu-demo-2026" \
    --data-urlencode "_csrf=$csrf" "$URL/login"
  awk '$6 ~ /kefu_session/ {print $6 "=" $7}' "$jar"
}
SUPERVISOR=$(token wangjing)
SPECIALIST=$(token lina)
LINA=$(curl -sf -H "Authorization: Bearer $SPECIALIST" "$URL/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["staff"]["id"])')
CONTRACT=$(sqlite3 "$DB" "SELECT id FROM contracts WHERE staff_id = $LINA AND state = 'in_execution' ORDER BY id LIMIT 1")
LINA_COOKIE=$(session lina)
SUPERVISOR_COOKIE=$(session wangjing)

run() { # name token path [cookie]
  sleep 3
  local line
  line=$(KEFU_TOKEN=$2 KEFU_COOKIE=${4:-} wrk -t2 -c8 -d"$DURATION" --timeout 5s -s bench/p95.lua "$URL$3" | grep RESULT)
  printf '%-44s %s\n' "$1" "${line#RESULT }" | tee -a "$OUT"
}

: > "$OUT"
echo "Kefu contracts benchmark — $(date -u +%F\ %H:%M) UTC — $(sqlite3 "$DB" "SELECT (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM contracts) || ' contracts, ' || (SELECT count(*) FROM contract_obligations) || ' obligations'")" | tee -a "$OUT"
printf '%-44s %s ms (a day of new reminders), %s ms (nothing new)\n' "scheduler: obligation scan" "$SCAN_BURST" "$SCAN_QUIET" | tee -a "$OUT"
run "healthz"                                      ""             "/healthz"
run "contract page (HTML), specialist"             ""             "/contracts/$CONTRACT" "$LINA_COOKIE"
run "contract (JSON), specialist"                  "$SPECIALIST"  "/api/v1/contracts/$CONTRACT"
run "contract list (HTML), supervisor's team"      ""             "/contracts" "$SUPERVISOR_COOKIE"
run "contract list (JSON), specialist"             "$SPECIALIST"  "/api/v1/contracts"
run "contract list, overdue only (JSON), team"     "$SUPERVISOR"  "/api/v1/contracts?overdue=1"
run "overdue obligations (JSON), supervisor"       "$SUPERVISOR"  "/api/v1/obligations?view=overdue"
run "overdue obligations (HTML), supervisor"       ""             "/obligations?view=overdue" "$SUPERVISOR_COOKIE"
