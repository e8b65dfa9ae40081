#!/usr/bin/env bash
# Issue 16's speed goals on the generated database (release build, 8 concurrent clients): the supervisor's
# dashboard (page and JSON) for a month and for a year p95 ≤ 300 ms; a drill-down list p95 ≤ 50 ms.
# Usage (after bench/generate.py, bench/generate_frontline.py and bench/generate_complaints.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   KEFU_DATA_DIR=bench/out/data .build-release/release/kefu migrate   # adds the report indexes and every summary table (CreateReportSummaries, CreateStepTimeSummaries, CreateNeedsSummaries, CreateLeadershipSummaries, CreateReplySummaries, CreateMonthSummaries, CreateContractSummaries, CreateFineStepTimeSummaries, CreateCohortSummaries), filled from the records
#   KEFU_DATA_DIR=bench/out/data .build-release/release/kefu summaries rebuild   # after generating with triggers off
#   bash bench/run_reports.sh                  # prints the table; also bench/out/reports.txt
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/reports.txt
source bench/lib.sh
start_server reports "${KEFU_BENCH_PORT:-8186}"
SUPERVISOR=$(token wangjing)
SUPERVISOR_COOKIE=$(session wangjing)
TO=$(date -u +%F)
MONTH_FROM=$(date -u -d "$TO - 29 days" +%F)
YEAR_FROM=$(date -u -d "$TO - 364 days" +%F)
LINA=$(sqlite3 "$DB" "SELECT id FROM staff WHERE username = 'lina'")

begin_table "Kefu reports benchmark" "SELECT (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM inquiries) || ' inquiries, ' || (SELECT count(*) FROM follow_ups) || ' follow-ups, ' || (SELECT count(*) FROM complaints) || ' complaints'"
for q in "SELECT channel, COUNT(*) FROM inquiries WHERE received_at >= 0 AND received_at < 1e12 GROUP BY channel" \
         "SELECT staff_id, COUNT(*) FROM follow_ups WHERE due_at >= 0 AND due_at < 1e12 AND completed_at IS NOT NULL AND completed_at <= due_at GROUP BY staff_id" \
         "SELECT category, COUNT(*) FROM complaints WHERE received_at >= 0 AND received_at < 1e12 GROUP BY category" \
         "SELECT stage, COUNT(*) FROM customers WHERE merged_into_id IS NULL GROUP BY stage" \
         "SELECT (CAST((received_at + 28800) / 3600 AS INTEGER) % 24) AS k, COUNT(*) FROM inquiries WHERE received_at >= 0 AND received_at < 1e12 GROUP BY k" \
         "SELECT staff_id, COUNT(*), AVG(first_answered_at - received_at) FROM inquiries WHERE received_at >= 0 AND received_at < 1e12 AND first_answered_at IS NOT NULL GROUP BY staff_id" \
         "SELECT staff_id, COUNT(*) FROM inquiries WHERE promised_by >= 0 AND promised_by < 1e12 AND (replied_at IS NULL OR replied_at > promised_by) GROUP BY staff_id" \
         "SELECT received_at, first_answered_at FROM inquiries WHERE first_answered_at >= 0 AND first_answered_at < 1e12" \
         "SELECT received_at, resolved_at FROM complaints WHERE resolved_at >= 0 AND resolved_at < 1e12"; do
  echo "plan: $q" | tee -a "$OUT"; sqlite3 "$DB" "EXPLAIN QUERY PLAN $q" | tee -a "$OUT"
done
measure "dashboard page, 30 days (HTML)"                 ""             "/reports?from=$MONTH_FROM&to=$TO" "$SUPERVISOR_COOKIE"
measure "dashboard page, a year (HTML)"                  ""             "/reports?from=$YEAR_FROM&to=$TO" "$SUPERVISOR_COOKIE"
measure "dashboard figures, a year (JSON)"               "$SUPERVISOR"  "/api/v1/reports/dashboard?from=$YEAR_FROM&to=$TO"
measure "drill-down: phone inquiries, 30 days (JSON)"    "$SUPERVISOR"  "/api/v1/reports/records/inquiries-by-channel?key=phone&from=$MONTH_FROM&to=$TO"
measure "drill-down: lina's late follow-ups, a year"     "$SUPERVISOR"  "/api/v1/reports/records/follow-ups-late?key=$LINA&from=$YEAR_FROM&to=$TO"
# Issue 16 second part: the dashboard with its comparison, weekday/hour, response-time and promised-reply
# figures is measured above (same URLs); the step times (R1.4) for a year and a month's records behind them.
YEAR_MONTH=$(date -u +%Y-%m)
measure "step times page, twelve months (HTML)"          ""             "/reports/step-times" "$SUPERVISOR_COOKIE"
measure "step times, twelve months (JSON)"               "$SUPERVISOR"  "/api/v1/reports/step-times"
measure "drill-down: this month's first answers (JSON)"  "$SUPERVISOR"  "/api/v1/reports/step-times/records/inquiry-first-answer?month=$YEAR_MONTH"
measure "drill-down: inquiries on Mondays, a year"       "$SUPERVISOR"  "/api/v1/reports/records/inquiries-by-weekday?key=0&from=$YEAR_FROM&to=$TO"
# The needs and market analysis (R2.2) and leadership's dashboard for a year, and their lists.
measure "needs analysis, a year (JSON)"                  "$SUPERVISOR"  "/api/v1/reports/needs?from=$YEAR_FROM&to=$TO"
measure "needs analysis page, a year (HTML)"             ""             "/reports/needs?from=$YEAR_FROM&to=$TO" "$SUPERVISOR_COOKIE"
measure "drill-down: technology customers, a year"       "$SUPERVISOR"  "/api/v1/reports/needs/records/industry?key=technology&from=$YEAR_FROM&to=$TO"
measure "leadership dashboard, a year (JSON)"            "$SUPERVISOR"  "/api/v1/reports/leadership?from=$YEAR_FROM&to=$TO"
measure "drill-down: this month's contracts"             "$SUPERVISOR"  "/api/v1/reports/leadership/records?month=$YEAR_MONTH&from=$YEAR_FROM&to=$TO"
# The dashboard over time (12-05): the files of last month that signed or came at all, this month's surveys.
LAST_MONTH=$(date -u -d "$(date -u +%Y-%m-01) - 1 day" +%Y-%m)
measure "drill-down: last month's files that signed"    "$SUPERVISOR"  "/api/v1/reports/records/customers-reached?key=$LAST_MONTH:signed&from=$YEAR_FROM&to=$TO"
measure "drill-down: last month's new files"            "$SUPERVISOR"  "/api/v1/reports/records/customers-reached?key=$LAST_MONTH:all&from=$YEAR_FROM&to=$TO"
measure "drill-down: this month's surveys answered"     "$SUPERVISOR"  "/api/v1/reports/records/surveys-answered?key=$YEAR_MONTH&from=$YEAR_FROM&to=$TO"
