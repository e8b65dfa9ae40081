#!/usr/bin/env bash
# Issue 18 §10: every search a person can type, at 8 clients on the million-customer database (release
# build): one-character surname, names, company fragments, e-mail and latin fragments, digits of every
# length, a whole mobile, a customer code and a short number, Chinese + digits. Goal: p95 ≤ 50 ms per shape,
# no error, and an honest count — a count shown exact is the number of rows the pages hold (the last page
# is read to check), a capped count has more rows behind it (the page after the cap is not empty).
#   bash bench/run_search.sh     (KEFU_BINARY, KEFU_BENCH_DATA, KEFU_BENCH_DURATION as in run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/search.txt
KEFU_BENCH_DURATION=${KEFU_BENCH_DURATION:-10s}
source bench/lib.sh
start_server search "${KEFU_BENCH_PORT:-8186}"
SUPERVISOR=$(token wangjing)
MOBILE=$(sqlite3 "$DB" "SELECT mobile FROM customers WHERE id = (SELECT MAX(id) / 2 FROM customers)")
CODE=$(sqlite3 "$DB" "SELECT code FROM customers WHERE id = (SELECT MAX(id) / 3 FROM customers)")
FAILED=0

# query → "count=N capped=true|false honest=yes|no": reads the count, then the page that proves it.
count_check() {
  curl -sf -H "Authorization: Bearer $SUPERVISOR" --get --data-urlencode "q=$1" "$URL/api/v1/customers?perPage=100" |
    python3 -c '
import json, subprocess, sys, urllib.parse
page = json.load(sys.stdin)["page"]
total, capped, pages = page["totalItems"], page.get("totalIsCapped"), page["totalPages"]
# capped: the page after the cap must hold rows; exact: the last page holds exactly the rest
number = total // 100 + 1 if capped else max(pages, 1)
url = sys.argv[2] + "/api/v1/customers?perPage=100&page=%d&q=%s" % (number, urllib.parse.quote(sys.argv[1]))
rows = len(json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + sys.argv[3], url],
                                     capture_output=True, check=True).stdout)["items"])
honest = rows > 0 if capped else rows == total - (max(pages, 1) - 1) * 100
print("count=%s capped=%s honest=%s" % (total, str(capped).lower(), "yes" if honest else "no"))
' "$1" "$URL" "$SUPERVISOR"
}

# label, query: one row — the latencies at 8 clients, then the count and its check; PASS needs all three.
shape() {
  local encoded line counted p95 errors
  encoded=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$2")
  measure "$1" "$SUPERVISOR" "/api/v1/customers?q=$encoded"
  line=$(tail -1 "$OUT")
  counted=$(count_check "$2")
  p95=$(sed -E 's/.*p95=([0-9.]+).*/\1/' <<< "$line")
  errors=$(sed -E 's/.*errors=([0-9]+).*/\1/' <<< "$line")
  if python3 -c "import sys; sys.exit(0 if $p95 <= 50 and $errors == 0 else 1)" && [[ $counted == *honest=yes ]]; then
    printf '%-50s %s PASS\n' "" "$counted" | tee -a "$OUT"
  else
    printf '%-50s %s FAIL\n' "" "$counted" | tee -a "$OUT"
    FAILED=$((FAILED + 1))
  fi
}

begin_table "Kefu search shapes (issue 18 §10)" "SELECT (SELECT count(*) FROM customers) || ' customers'"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT"
shape "one character, a surname: 王"          "王"
shape "one character, a rare surname: 冷"      "冷"
shape "two-character name: 张伟"               "张伟"
shape "two-character name: 李娜"               "李娜"
shape "company fragment: 科技"                 "科技"
shape "company fragment: 有限公司"             "有限公司"
shape "e-mail fragment: user12345"            "user12345"
shape "e-mail start: user12345@"              "user12345@"
shape "latin fragment: pujiang"               "pujiang"
shape "latin fragment: tech"                  "tech"
for digits in 5 56 567 5678 56789 567890 5678901 56789012 567890123 5678901234; do
  shape "digits, ${#digits}: $digits"          "$digits"
done
shape "whole mobile: $MOBILE"                 "$MOBILE"
shape "customer code: $CODE"                  "$CODE"
shape "short number: 301"                     "301"
shape "Chinese + digits: 张伟 5678"            "张伟 5678"
shape "Chinese + digits: 王 138"               "王 138"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT"
if [ "$FAILED" = 0 ]; then echo "PASS every search shape" | tee -a "$OUT"; else echo "FAIL $FAILED shape(s)" | tee -a "$OUT"; exit 1; fi
