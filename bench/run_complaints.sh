#!/usr/bin/env bash
# Issue 13's speed goals on the generated database (release build, 8 concurrent clients): the complaint
# list and a complaint's page p95 ≤ 20 ms; the scheduler's time-limit scan over all open complaints
# ≤ 1 s; the public survey page takes 200 answers a second. Usage (after bench/generate.py):
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_complaints.py       # once: 200,000 complaints, ~2 % open
#   python3 bench/survey_links.py              # before each run: unanswered survey links
#   bash bench/run_complaints.sh               # prints the table; also bench/out/complaints.txt
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/complaints.txt
source bench/lib.sh

# The scan runs once at start (every open complaint, its pauses, the ladder). Outside the working calendar's
# hours it gives nothing and returns at once (R3.5), so its time means something only in working hours.
echo "office time now: $(TZ=Asia/Shanghai date '+%a %H:%M') — the scan is measured only within working hours"
only_jobs complaints.escalation
job_due_now complaints.escalation
start_server complaints "${KEFU_BENCH_PORT:-8184}" KEFU_SCHEDULER_INTERVAL_SECONDS=1
SCAN=$(job_milliseconds complaints.escalation)

SUPERVISOR=$(token wangjing)
SUPERVISOR_COOKIE=$(session wangjing)
SPECIALIST_COOKIE=$(session lina)
OPEN=$(sqlite3 "$DB" "SELECT id FROM complaints WHERE state <> 'closed' ORDER BY id DESC LIMIT 1")

begin_table "Kefu complaints benchmark" "SELECT (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM complaints) || ' complaints, ' || (SELECT count(*) FROM complaints WHERE state <> 'closed') || ' open'"
printf '%-50s %s ms (goal ≤ 1 s)\n' "scheduler: time-limit scan over open complaints" "$SCAN" | tee -a "$OUT"
measure "complaint list (HTML), supervisor ≤20ms"     "" "/complaints" "$SUPERVISOR_COOKIE"
measure "complaint list, in progress (HTML) ≤20ms"    "" "/complaints?state=in_progress" "$SUPERVISOR_COOKIE"
measure "complaint list (HTML), specialist's own"    "" "/complaints" "$SPECIALIST_COOKIE"
measure "complaint list (JSON), supervisor"          "$SUPERVISOR" "/api/v1/complaints"
measure "complaint page (HTML) ≤20ms"                 "" "/complaints/$OPEN" "$SUPERVISOR_COOKIE"
measure "complaint (JSON)"                           "$SUPERVISOR" "/api/v1/complaints/$OPEN"

# The public survey page: each request answers a different unused link (no warm-up: a link answers once).
if [ -f bench/out/survey-tokens.txt ]; then
  line=$(wrk -t2 -c"$CLIENTS" -d"$DURATION" --timeout 5s -s bench/survey_answers.lua "$URL/" | grep RESULT)
  printf '%-50s %s\n' "public survey: answers (POST) ≥200/s" "${line#RESULT }" | tee -a "$OUT"
  rm bench/out/survey-tokens.txt   # used up
fi
