#!/usr/bin/env bash
# Issue 10's improvements on the generated million-customer database (release build, 8 concurrent
# clients): the customer list sorted by each sortable column and through the built-in saved filters,
# the customer 360 (page and overview JSON), and the pipeline board for a specialist and for the team.
# Usage (after bench/generate.py and bench/generate_frontline.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   bash bench/run_frontline_improvements.sh   # prints the table; also bench/out/frontline-improvements.txt
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/frontline-improvements.txt
source bench/lib.sh
start_server improvements "${KEFU_BENCH_PORT:-8183}"
WHO=${KEFU_BENCH_SPECIALIST:-bench001}
SPECIALIST=$(token "$WHO")
SUPERVISOR=$(token wangjing)
ME=$(staff_id "$SPECIALIST")
CUSTOMER=$(python3 -c "import sqlite3;c=sqlite3.connect('$DATA/kefu.sqlite3');print(c.execute(\"select id from customers where responsible_staff_id=$ME and stage='intent' limit 1\").fetchone()[0])")
SPECIALIST_COOKIE=$(session "$WHO")
SUPERVISOR_COOKIE=$(session wangjing)

begin_table "Kefu issue 10 improvements" "SELECT (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM follow_ups) || ' follow-ups'"
for sort in updated updated_asc code code_desc name name_desc; do
  measure "list, team, sort=$sort (JSON)"        "$SUPERVISOR" "/api/v1/customers?sort=$sort"
done
measure "list page, team, sort=name (HTML)"       ""            "/customers?sort=name" "$SUPERVISOR_COOKIE"
measure "saved: 我的意向客户 (JSON)"               "$SPECIALIST" "/api/v1/customers?stage=intent&specialist=me"
measure "saved: 意向无跟进, team (JSON)"            "$SUPERVISOR" "/api/v1/customers?withoutFollowUp=1"
measure "saved: 30 天未联系, team (JSON)"           "$SUPERVISOR" "/api/v1/customers?notContactedDays=30"
measure "customer 360 page (HTML)"                ""            "/customers/$CUSTOMER" "$SPECIALIST_COOKIE"
measure "customer 360 overview (JSON)"            "$SPECIALIST" "/api/v1/customers/$CUSTOMER/overview"
measure "board, specialist (HTML)"                ""            "/board" "$SPECIALIST_COOKIE"
measure "board, team (HTML)"                      ""            "/board" "$SUPERVISOR_COOKIE"
measure "board, team (JSON)"                      "$SUPERVISOR" "/api/v1/board"
