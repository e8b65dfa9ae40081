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
OUT=bench/out/return-visits.txt
source bench/lib.sh
only_jobs return_visits.schedule
job_due_now return_visits.schedule
start_server return-visits "${KEFU_BENCH_PORT:-8185}" KEFU_SCHEDULER_INTERVAL_SECONDS=1
SCAN=$(job_milliseconds return_visits.schedule)
SUPERVISOR=$(session wangjing)
SPECIALIST=$(session lina)
LIAISON=$(session sunlei)
VISIT=$(sqlite3 "$DB" "SELECT id FROM return_visits WHERE state = 'due' ORDER BY due_at LIMIT 1")

begin_table "Kefu return visits benchmark" "SELECT (SELECT count(*) FROM return_visits) || ' return visits, ' || (SELECT count(*) FROM return_visits WHERE state = 'due') || ' due, ' || (SELECT count(*) FROM feedback) || ' feedback'"
printf '%-50s %s ms\n' "scheduler: scan opening the visits falling due" "$SCAN" | tee -a "$OUT"
measure "return visits due (HTML), supervisor (all)"      "" "/return-visits" "$SUPERVISOR"
measure "return visits overdue (HTML), supervisor (all)"  "" "/return-visits?view=overdue" "$SUPERVISOR"
measure "return visits overdue (HTML), specialist (own)"  "" "/return-visits?view=overdue" "$SPECIALIST"
measure "a return visit's page (HTML)"                    "" "/return-visits/$VISIT" "$SUPERVISOR"
measure "workbench with overdue visits, specialist"       "" "/" "$SPECIALIST"
measure "feedback list (HTML), supervisor"                "" "/feedback" "$SUPERVISOR"
measure "feedback list (HTML), liaison (their department)" "" "/feedback" "$LIAISON"
