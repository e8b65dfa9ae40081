#!/usr/bin/env bash
# Issue 3's speed goals on a generated database (release build, 8 concurrent clients):
#   search p95 ≤ 50 ms per query shape, list and file p95 ≤ 20 ms, 100,000-row import ≤ 30 s,
# beside the same run's /healthz. Usage:
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate.py                  # once: 1M customers, 5M communications
#   bash bench/run.sh                          # prints the table; also bench/out/results.txt
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/results.txt
source bench/lib.sh
start_server customers "${KEFU_BENCH_PORT:-8181}"
SUPERVISOR=$(token wangjing)
SPECIALIST=$(token lina)
# The specialist's id and a file they own (full contacts).
LINA=$(staff_id "$SPECIALIST")
CUSTOMER=$(curl -sf -H "Authorization: Bearer $SPECIALIST" "$URL/api/v1/customers?specialist=$LINA&perPage=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
TWO=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("张伟"))')
LONG=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("王秀英"))')
COMPANY=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("传媒"))')
COMPANY2=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("科技有限"))')

COOKIE=$(session wangjing)

begin_table "Kefu customer benchmark" "SELECT (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM communication_records) || ' communication records'"
measure "search: two-character name 张伟"  "$SUPERVISOR" "/api/v1/customers?q=$TWO"
measure "search: longer name 王秀英"       "$SUPERVISOR" "/api/v1/customers?q=$LONG"
measure "search: company fragment 传媒"    "$SUPERVISOR" "/api/v1/customers?q=$COMPANY"
measure "search: company fragment 科技有限" "$SUPERVISOR" "/api/v1/customers?q=$COMPANY2"
measure "search: last four digits 5678"   "$SUPERVISOR" "/api/v1/customers?q=5678"
measure "list: supervisor, all customers" "$SUPERVISOR" "/api/v1/customers"
measure "list: specialist's own"          "$SPECIALIST" "/api/v1/customers?specialist=$LINA"
measure "list: page (HTML), supervisor"   "" "/customers" "$COOKIE"
measure "file: page (HTML), supervisor"   "" "/customers/$CUSTOMER" "$COOKIE"
measure "file: one customer (JSON)"       "$SPECIALIST" "/api/v1/customers/$CUSTOMER"
measure "file: timeline page (JSON)"      "$SPECIALIST" "/api/v1/customers/$CUSTOMER/timeline"

# Import: 100,000 rows in one request, written in one transaction.
python3 - <<'PY'
import random, time
# New people each run, as an import brings (a file imported again is all duplicates, a different case).
random.seed(time.time_ns())
surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
given = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "杰", "涛", "明", "超", "霞", "平"]
with open("bench/out/import.csv", "w", encoding="utf-8") as f:
    f.write("客户姓名,手机号码,公司名称,来源,客户阶段,城市\n")
    for i in range(100000):
        f.write(f"{random.choice(surnames)}{random.choice(given)},1{random.choice('3456789')}{random.randrange(10**9):09d},导入测试{random.randrange(10**9)}号贸易有限公司,电话,线索,苏州\n")
PY
START=$(python3 -c 'import time; print(time.time())')
STATUS=$(curl -s -o bench/out/import.json -w '%{http_code}' -X POST -H "Authorization: Bearer $SPECIALIST" -H 'Content-Type: text/csv' \
  --data-binary @bench/out/import.csv "$URL/api/v1/customers/imports?duplicates=import")
END=$(python3 -c 'import time; print(time.time())')
printf '%-34s status=%s seconds=%.1f created=%s\n' "import: 100,000 rows" "$STATUS" "$(python3 -c "print($END - $START)")" \
  "$(python3 -c 'import json; print(json.load(open("bench/out/import.json")).get("created"))')" | tee -a "$OUT"
