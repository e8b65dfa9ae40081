#!/usr/bin/env bash
# Issue 12's speed goals on the generated database (release build, 8 concurrent clients, beside
# /healthz): the contract page and the contract list p95 ≤ 20 ms; the supervisor's overdue
# obligations p95 ≤ 30 ms; the scheduler's obligation scan ≤ 1 s. Usage (after bench/generate.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_contracts.py        # once: 100,000 contracts, ~500,000 obligations
#   bash bench/run_contracts.sh                # prints the table; also bench/out/contracts.txt
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/contracts.txt
source bench/lib.sh
TODAY=$(TZ=Asia/Shanghai date +%F)

# The scan: a day's reminders still to give (the ones whose window opened yesterday or today, and
# yesterday's overdue), then a run with nothing new.
sqlite3 "$DB" "UPDATE contract_obligations SET due_soon_reminded_on = NULL WHERE remind_on >= date('$TODAY','-1 day') AND done_at IS NULL AND due_on >= '$TODAY';
  UPDATE contract_obligations SET overdue_reminded_on = NULL WHERE due_on = date('$TODAY','-1 day') AND done_at IS NULL;"
only_jobs obligations.scan
job_due_now obligations.scan
start_server contracts "${KEFU_BENCH_PORT:-8183}" KEFU_SCHEDULER_INTERVAL_SECONDS=1
SCAN_BURST=$(job_milliseconds obligations.scan)
job_due_now obligations.scan
sleep 2
SCAN_QUIET=$(job_milliseconds obligations.scan)

SUPERVISOR=$(token wangjing)
SPECIALIST=$(token lina)
LINA=$(staff_id "$SPECIALIST")
CONTRACT=$(sqlite3 "$DB" "SELECT id FROM contracts WHERE staff_id = $LINA AND state = 'in_execution' ORDER BY id LIMIT 1")
LINA_COOKIE=$(session lina)
SUPERVISOR_COOKIE=$(session wangjing)

begin_table "Kefu contracts benchmark" "SELECT (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM contracts) || ' contracts, ' || (SELECT count(*) FROM contract_obligations) || ' obligations'"
printf '%-50s %s ms (a day of new reminders), %s ms (nothing new) (goal ≤ 1 s)\n' "scheduler: obligation scan" "$SCAN_BURST" "$SCAN_QUIET" | tee -a "$OUT"
measure "contract page (HTML), specialist ≤20ms"           ""             "/contracts/$CONTRACT" "$LINA_COOKIE"
measure "contract (JSON), specialist"                     "$SPECIALIST"  "/api/v1/contracts/$CONTRACT"
measure "contract list (HTML), supervisor's team ≤20ms"    ""             "/contracts" "$SUPERVISOR_COOKIE"
measure "contract list (JSON), specialist ≤20ms"           "$SPECIALIST"  "/api/v1/contracts"
measure "contract list, overdue only (JSON), team"        "$SUPERVISOR"  "/api/v1/contracts?overdue=1"
measure "overdue obligations (JSON), supervisor ≤30ms"     "$SUPERVISOR"  "/api/v1/obligations?view=overdue"
measure "overdue obligations (HTML), supervisor ≤30ms"     ""             "/obligations?view=overdue" "$SUPERVISOR_COOKIE"
