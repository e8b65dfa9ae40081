# Shared by bench/run_*.sh (sourced): the release server on the generated database, signing in as an API
# client or a browser, and the measurements, so every table is made the same way — 8 concurrent clients,
# two unmeasured seconds first, p50/p95/p99 and a count of non-2xx answers, a /healthz row of the same run.
#
# A script sets OUT (its table) and sources this file from the repository's root:
#   OUT=bench/out/contracts.txt; source bench/lib.sh
#   start_server contracts 8183 KEFU_SCHEDULER_INTERVAL_SECONDS=1
#   begin_table "Kefu contracts benchmark" "SELECT count(*) || ' contracts' FROM contracts"
#   measure "contract list (JSON), specialist" "$(token lina)" "/api/v1/contracts"
BIN=${KEFU_BINARY:-.build-release/release/kefu}
DATA=${KEFU_BENCH_DATA:-bench/out/data}
DB=$DATA/kefu.sqlite3
DURATION=${KEFU_BENCH_DURATION:-15s}
CLIENTS=${KEFU_BENCH_CLIENTS:-8}
PASSWORD=kefu-demo-2026
mkdir -p bench/out

# name port [VAR=value …]: serves the generated database without migrating (the generators migrated it with
# the same code) and with the scheduler off unless a VAR turns it on; stopped when the script exits.
start_server() {
  local name=$1 port=$2
  shift 2
  URL=http://127.0.0.1:$port
  env KEFU_DATA_DIR="$DATA" KEFU_LOG_LEVEL=error KEFU_SCHEDULER_INTERVAL_SECONDS=0 "$@" \
    "$BIN" serve --port "$port" --no-migrate > "bench/out/server-$name.log" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    curl -sf "$URL/healthz" > /dev/null && return 0
    sleep 0.2
  done
  echo "the server did not start: bench/out/server-$name.log" >&2
  exit 1
}

# username → an API token
token() {
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\",\"name\":\"bench\"}" "$URL/api/v1/auth/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# username → the Cookie header of a signed-in browser (the login form's CSRF cookie first)
session() {
  local jar=bench/out/cookies-$1.txt csrf
  curl -sf -c "$jar" "$URL/login" > /dev/null
  csrf=$(awk '$6 == "kefu_csrf" {print $7}' "$jar")
  curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=$1" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "_csrf=$csrf" "$URL/login"
  awk '$6 ~ /kefu_session$/ {print $6 "=" $7}' "$jar"
}

# token → the signed-in person's staff id
staff_id() {
  curl -sf -H "Authorization: Bearer $1" "$URL/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["staff"]["id"])'
}

# title, SQL giving the data's size in words: starts the table with both and the same run's /healthz row
begin_table() {
  : > "$OUT"
  echo "$1 — $(date -u '+%F %H:%M') UTC — $(sqlite3 "$DB" "$2") — $CLIENTS clients, $DURATION each" | tee -a "$OUT"
  measure "healthz (same run)" "" "/healthz"
}

# label, token, path [, cookie [, wrk script]]: one row of the table. The unmeasured seconds first read the
# pages of a file of gigabytes from disk once; the first request of a cold server is not what people wait for.
measure() {
  local script=${5:-bench/p95.lua} line
  sleep 2
  KEFU_TOKEN=$2 KEFU_COOKIE=${4:-} wrk -t2 -c"$CLIENTS" -d2s --timeout 5s -s "$script" "$URL$3" > /dev/null
  line=$(KEFU_TOKEN=$2 KEFU_COOKIE=${4:-} wrk -t2 -c"$CLIENTS" -d"$DURATION" --timeout 5s -s "$script" "$URL$3" | grep RESULT)
  printf '%-50s %s\n' "$1" "${line#RESULT }" | tee -a "$OUT"
}

# label, goal, then curl's arguments: the wall time of one request, three times (the first may read cold pages)
timed() {
  local label=$1 goal=$2 start end status
  shift 2
  for attempt in 1 2 3; do
    start=$(date +%s.%N)
    status=$(curl -s -o /dev/null -w '%{http_code}' "$@")
    end=$(date +%s.%N)
    printf '%-50s %s s, status %s (goal %s)\n' "$label ($attempt)" "$(python3 -c "print(round($end - $start, 3))")" \
      "$status" "$goal" | tee -a "$OUT"
  done
}

# job names: parks every other scheduled job (due in 2096), so a run that turns the scheduler on to time
# one job measures that job and the pages beside it, not the other scans of a million-customer database
only_jobs() {
  local job
  for job in attendance.settle auth.purge-expired complaints.escalation database.statistics obligations.scan reminders.scan return_visits.schedule webhooks.deliver; do
    sqlite3 "$DB" "INSERT OR IGNORE INTO scheduled_jobs (name, next_run_at, run_count) VALUES ('$job', 4000000000, 0)"
  done
  sqlite3 "$DB" "UPDATE scheduled_jobs SET next_run_at = 4000000000, locked_by = NULL, locked_until = NULL
    WHERE name NOT IN ($(printf "'%s'," "$@" | sed 's/,$//'))"
}

# job name: makes the scheduler's job due now, so a server started with the scheduler on runs it at once
job_due_now() {
  sqlite3 "$DB" "UPDATE scheduled_jobs SET next_run_at = 0, locked_by = NULL, locked_until = NULL WHERE name = '$1'"
}

# job name: waits for its run to finish (up to a minute) and prints its duration in milliseconds
job_milliseconds() {
  for _ in $(seq 1 300); do
    local done
    done=$(sqlite3 "$DB" "SELECT last_finished_at >= last_started_at AND next_run_at > 0 FROM scheduled_jobs WHERE name = '$1'")
    [ "$done" = 1 ] && break
    sleep 0.2
  done
  sqlite3 "$DB" "SELECT round((last_finished_at - last_started_at) * 1000) FROM scheduled_jobs WHERE name = '$1'"
}
