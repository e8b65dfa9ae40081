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
BIN=${KEFU_BINARY:-.build-release/release/kefu}
DATA=${KEFU_BENCH_DATA:-bench/out/data}
PORT=${KEFU_BENCH_PORT:-8182}
DURATION=${KEFU_BENCH_DURATION:-15s}
URL=http://127.0.0.1:$PORT
OUT=bench/out/frontline.txt
mkdir -p bench/out

KEFU_DATA_DIR=$DATA KEFU_LOG_LEVEL=error KEFU_SCHEDULER_INTERVAL_SECONDS=0 KEFU_TRUSTED_PROXIES=127.0.0.1,::1 \
  "$BIN" serve --port "$PORT" --no-migrate > bench/out/server-frontline.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done

token() {
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"kefu-demo-2026\",\"name\":\"bench\"}" "$URL/api/v1/auth/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
session() { # username → cookie header value of a signed-in browser
  local jar=bench/out/cookies-$1.txt csrf
  curl -sf -c "$jar" "$URL/login" >/dev/null
  csrf=$(awk '$6 == "kefu_csrf" {print $7}' "$jar")
  curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=$1" --data-urlencode "password=kefu-demo-2026" \
    --data-urlencode "_csrf=$csrf" "$URL/login"
  echo "kefu_session=$(awk '$6 == "kefu_session" {print $7}' "$jar")"
}
WHO=${KEFU_BENCH_SPECIALIST:-bench001}   # a generated specialist with about 5,000 customers
SPECIALIST=$(token "$WHO")
LINA=$(curl -sf -H "Authorization: Bearer $SPECIALIST" "$URL/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["staff"]["id"])')
CUSTOMER=$(python3 -c "import sqlite3;c=sqlite3.connect('$DATA/kefu.sqlite3');print(c.execute(\"select id from customers where responsible_staff_id=$LINA and stage='intent' and industries <> ',,' limit 1\").fetchone()[0])")
OWNED=$(python3 -c "import sqlite3;c=sqlite3.connect('$DATA/kefu.sqlite3');print(c.execute('select count(*) from customers where responsible_staff_id=$LINA').fetchone()[0])")
LINA_COOKIE=$(session "$WHO")
SUPERVISOR_COOKIE=$(session wangjing)

run() { # name token path [cookie] [script]
  sleep 3
  local line
  line=$(KEFU_TOKEN=$2 KEFU_COOKIE=${4:-} wrk -t2 -c8 -d"$DURATION" --timeout 5s -s "${5:-bench/p95.lua}" "$URL$3" | grep RESULT)
  printf '%-40s %s\n' "$1" "${line#RESULT }" | tee -a "$OUT"
}

: > "$OUT"
echo "Kefu front-line benchmark — $(date -u +%F\ %H:%M) UTC — $(python3 -c "
import sqlite3;c=sqlite3.connect('$DATA/kefu.sqlite3');q=lambda s:c.execute(s).fetchone()[0]
print(q('select count(*) from customers'),'customers,',q('select count(*) from projects'),'projects,',q('select count(*) from follow_ups'),'follow-ups,',q('select count(*) from inquiries'),'inquiries,',q('select count(*) from recommendations'),'recommendations')") — $WHO has $OWNED customers" | tee -a "$OUT"
run "healthz"                                  ""             "/healthz"
run "ranking: 200 projects for a customer"     "$SPECIALIST"  "/api/v1/customers/$CUSTOMER/recommendations/ranking"
run "recommendation page (HTML)"               ""             "/customers/$CUSTOMER/recommendations" "$LINA_COOKIE"
run "workbench: specialist (HTML)"             ""             "/" "$LINA_COOKIE"
run "workbench: supervisor's team (HTML)"      ""             "/" "$SUPERVISOR_COOKIE"
run "follow-ups due (JSON), specialist"        "$SPECIALIST"  "/api/v1/follow-ups?view=overdue"
run "promised replies due (JSON), specialist"  "$SPECIALIST"  "/api/v1/inquiries?status=promised&due=1"
run "public form: new visitors (POST)"         ""             "/" "" bench/public_form.lua

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
