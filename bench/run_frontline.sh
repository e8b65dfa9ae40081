#!/usr/bin/env bash
# Issue 4's speed goals on the generated database (release build, 8 concurrent clients):
#   ranking projects for a customer p95 ≤ 10 ms; the workbench p95 ≤ 30 ms for a specialist with
#   5,000 customers; the public form takes 200 submissions a second without error while one address
#   flooding it is stopped. Usage (after bench/generate.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_frontline.py        # once: projects, follow-ups, inquiries, recommendations
#   bash bench/run_frontline.sh                # prints the table; also bench/out/frontline.txt
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/frontline.txt
source bench/lib.sh
start_server frontline "${KEFU_BENCH_PORT:-8182}" KEFU_TRUSTED_PROXIES=127.0.0.1,::1
WHO=${KEFU_BENCH_SPECIALIST:-bench001}   # a generated specialist with about 5,000 customers
SPECIALIST=$(token "$WHO")
LINA=$(staff_id "$SPECIALIST")
CUSTOMER=$(python3 -c "import sqlite3;c=sqlite3.connect('$DATA/kefu.sqlite3');print(c.execute(\"select id from customers where responsible_staff_id=$LINA and stage='intent' and industries <> ',,' limit 1\").fetchone()[0])")
OWNED=$(python3 -c "import sqlite3;c=sqlite3.connect('$DATA/kefu.sqlite3');print(c.execute('select count(*) from customers where responsible_staff_id=$LINA').fetchone()[0])")
LINA_COOKIE=$(session "$WHO")
SUPERVISOR_COOKIE=$(session wangjing)

begin_table "Kefu front-line benchmark" "SELECT (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM projects) || ' projects, ' || (SELECT count(*) FROM follow_ups) || ' follow-ups, ' || (SELECT count(*) FROM inquiries) || ' inquiries, ' || (SELECT count(*) FROM recommendations) || ' recommendations — $WHO has $OWNED customers'"
measure "ranking: 200 projects for a customer"     "$SPECIALIST"  "/api/v1/customers/$CUSTOMER/recommendations/ranking"
measure "recommendation page (HTML)"               ""             "/customers/$CUSTOMER/recommendations" "$LINA_COOKIE"
measure "workbench: specialist (HTML)"             ""             "/" "$LINA_COOKIE"
measure "workbench: supervisor's team (HTML)"      ""             "/" "$SUPERVISOR_COOKIE"
measure "follow-ups due (JSON), specialist"        "$SPECIALIST"  "/api/v1/follow-ups?view=overdue"
measure "promised replies due (JSON), specialist"  "$SPECIALIST"  "/api/v1/inquiries?status=promised&due=1"
measure "public form: new visitors (POST)"         ""             "/" "" bench/public_form.lua

# One address flooding the form: after the limit every answer is 429.
python3 - "$URL" <<'PY' | tee -a "$OUT"
import json, sys, urllib.request, urllib.error
url = sys.argv[1] + "/api/v1/public/inquiries"
codes = []
for i in range(20):
    body = json.dumps({"name": "刷单", "mobile": "13900000000", "question": "flood", "consent": "true"}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", "X-Forwarded-For": "203.0.113.9"})
    try:
        codes.append(urllib.request.urlopen(request).status)
    except urllib.error.HTTPError as error:
        codes.append(error.code)
print(f"{'public form: one address, 20 posts':<40} accepted={codes.count(201)} refused_429={codes.count(429)}")
PY
