#!/usr/bin/env bash
# Issue 10's improvements on the generated million-customer database (release build, 8 concurrent
# clients): the customer list sorted by each sortable column and through the built-in saved filters,
# the customer 360 (page and overview JSON), and the pipeline board for a specialist and for the team.
# Usage (after bench/generate.py and bench/generate_frontline.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   bash bench/run_frontline_improvements.sh   # prints the table; also bench/out/frontline-improvements.txt
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${KEFU_BINARY:-.build-release/release/kefu}
DATA=${KEFU_BENCH_DATA:-bench/out/data}
PORT=${KEFU_BENCH_PORT:-8183}
DURATION=${KEFU_BENCH_DURATION:-15s}
URL=http://127.0.0.1:$PORT
OUT=bench/out/frontline-improvements.txt
mkdir -p bench/out

# Served with migration: the first start adds saved_filters and the customers_name index (a minute at most).
KEFU_DATA_DIR=$DATA KEFU_LOG_LEVEL=error KEFU_SCHEDULER_INTERVAL_SECONDS=0 "$BIN" serve --port "$PORT" > bench/out/server-improvements.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done

token() {
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"kefu-demo-2026\",\"name\":\"bench\"}" "$URL/api/v1/auth/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
session() {
  local jar=bench/out/cookies-$1.txt csrf
  curl -sf -c "$jar" "$URL/login" >/dev/null
  csrf=$(awk '$6 == "kefu_csrf" {print $7}' "$jar")
  curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=$1" --data-urlencode "password=kefu-demo-2026" \
    --data-urlencode "_csrf=$csrf" "$URL/login"
  echo "kefu_session=$(awk '$6 == "kefu_session" {print $7}' "$jar")"
}
WHO=${KEFU_BENCH_SPECIALIST:-bench001}
SPECIALIST=$(token "$WHO")
SUPERVISOR=$(token wangjing)
ME=$(curl -sf -H "Authorization: Bearer $SPECIALIST" "$URL/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["staff"]["id"])')
CUSTOMER=$(python3 -c "import sqlite3;c=sqlite3.connect('$DATA/kefu.sqlite3');print(c.execute(\"select id from customers where responsible_staff_id=$ME and stage='intent' limit 1\").fetchone()[0])")
SPECIALIST_COOKIE=$(session "$WHO")
SUPERVISOR_COOKIE=$(session wangjing)

run() { # name token path [cookie]
  sleep 3
  local line
  line=$(KEFU_TOKEN=$2 KEFU_COOKIE=${4:-} wrk -t2 -c8 -d"$DURATION" --timeout 5s -s bench/p95.lua "$URL$3" | grep RESULT)
  printf '%-46s %s\n' "$1" "${line#RESULT }" | tee -a "$OUT"
}

: > "$OUT"
echo "Kefu issue 10 improvements — $(date -u +%F\ %H:%M) UTC" | tee -a "$OUT"
for sort in updated updated_asc code code_desc name name_desc; do
  run "list, team, sort=$sort (JSON)"        "$SUPERVISOR" "/api/v1/customers?sort=$sort"
done
run "list page, team, sort=name (HTML)"       ""            "/customers?sort=name" "$SUPERVISOR_COOKIE"
run "saved: 我的意向客户 (JSON)"               "$SPECIALIST" "/api/v1/customers?stage=intent&specialist=me"
run "saved: 意向无跟进, team (JSON)"            "$SUPERVISOR" "/api/v1/customers?withoutFollowUp=1"
run "saved: 30 天未联系, team (JSON)"           "$SUPERVISOR" "/api/v1/customers?notContactedDays=30"
run "customer 360 page (HTML)"                ""            "/customers/$CUSTOMER" "$SPECIALIST_COOKIE"
run "customer 360 overview (JSON)"            "$SPECIALIST" "/api/v1/customers/$CUSTOMER/overview"
run "board, specialist (HTML)"                ""            "/board" "$SPECIALIST_COOKIE"
run "board, team (HTML)"                      ""            "/board" "$SUPERVISOR_COOKIE"
run "board, team (JSON)"                      "$SUPERVISOR" "/api/v1/board"
