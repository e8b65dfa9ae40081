#!/usr/bin/env bash
# The scheduler's scans on the generated database (release build): the follow-up and promised-reply reminder
# scan with nothing new (goal ≤ 100 ms) and with a day of new reminders (goal ≤ 1 s), the return-visit scan, and
# the planner statistics' refresh. Each scan is timed alone (the other jobs parked) by the scheduler's own record.
# Usage (after bench/generate.py and the part generators; see docs/benchmarks.md):
#   KEFU_DATA_DIR=bench/out/data .build-release/release/kefu migrate
#   bash bench/run_scans.sh                    # prints the table; also bench/out/scans.txt
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/scans.txt
source bench/lib.sh

# job name, label: one run of the job on a server started for it, its duration as the scheduler recorded it
time_job() {
  only_jobs "$1"
  job_due_now "$1"
  start_server scans "${KEFU_BENCH_PORT:-8188}" KEFU_SCHEDULER_INTERVAL_SECONDS=1
  printf '%-58s %s ms\n' "$2" "$(job_milliseconds "$1")" | tee -a "$OUT"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
}

: > "$OUT"
echo "Kefu scans benchmark — $(date -u '+%F %H:%M') UTC — $(sqlite3 "$DB" "SELECT (SELECT count(*) FROM follow_ups WHERE completed_at IS NULL) || ' open follow-ups, ' || (SELECT count(*) FROM inquiries WHERE status = 'promised') || ' promised replies, ' || (SELECT count(*) FROM notifications) || ' notifications'")" | tee -a "$OUT"
# The first scan after AddReminderMarks gives every reminder never given before and marks its row: once.
time_job reminders.scan "reminder scan: the first after migrating (catch-up, once)"
time_job reminders.scan "reminder scan: nothing new (goal ≤ 100 ms)"
# A day of new reminders: the follow-ups due in the last 24 hours unmarked and their notifications removed,
# as if the scan had not run since yesterday.
sqlite3 "$DB" "CREATE TEMP TABLE day AS SELECT id FROM follow_ups WHERE completed_at IS NULL
                 AND due_at >= strftime('%s','now') - 86400 AND due_at < strftime('%s','now');
               UPDATE follow_ups SET due_reminded_at = NULL, overdue_reminded_at = NULL WHERE id IN (SELECT id FROM day);
               DELETE FROM notifications WHERE event IN ('follow_up.due', 'follow_up.overdue')
                 AND CAST(substr(dedupe_key, instr(dedupe_key, ':follow_up:') + 11, 12) AS INTEGER) IN (SELECT id FROM day);
               SELECT count(*) || ' follow-ups due in the last day made new' FROM day;" | tee -a "$OUT"
time_job reminders.scan "reminder scan: a day of new reminders (goal ≤ 1 s)"
time_job return_visits.schedule "return-visit scan (goal: was 5.0 s)"
time_job database.statistics "planner statistics refresh (PRAGMA optimize)"
