#!/usr/bin/env bash
# Training (issue 14 §3–4) on the generated database (release build, 8 concurrent clients, beside /healthz):
# the plan page with plan versus done, a session of 200 trainees, its effect on their work at 30 and 90 days,
# a specialist's own sessions, the outstanding trainees, and the cycle's recomputation now that it reads
# training results and colleague ratings. No goal of its own in the issue; the page budget is 50 ms.
# Usage:
#   swift build -c release --product kefu --scratch-path .build-release
#   python3 bench/generate_people.py && python3 bench/generate_training.py   # once
#   bash bench/run_training.sh                                                 # also bench/out/training.txt
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${KEFU_BINARY:-.build-release/release/kefu}
DATA=${KEFU_BENCH_DATA:-bench/out/data}
DB=$DATA/kefu.sqlite3
PORT=${KEFU_BENCH_PORT:-8185}
DURATION=${KEFU_BENCH_DURATION:-15s}
URL=http://127.0.0.1:$PORT
OUT=bench/out/training.txt
mkdir -p bench/out
KEFU_DATA_DIR=$DATA KEFU_LOG_LEVEL=error "$BIN" serve --port "$PORT" --no-migrate > bench/out/server-training.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done

token() {
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"kefu-demo-2026\",\"name\":\"bench\"}" "$URL/api/v1/auth/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
session() {
  local jar=bench/out/cookies-training-$1.txt
  curl -sf -c "$jar" "$URL/login" >/dev/null
  local csrf
  csrf=$(awk '$6 == "kefu_csrf" {print $7}' "$jar")
  curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=$1" --data-urlencode "password=kefu-demo-2026" \
    --data-urlencode "_csrf=$csrf" "$URL/login"
  awk '$6 ~ /kefu_session/ {print $6 "=" $7}' "$jar"
}
SUPERVISOR=$(token wangjing)
SPECIALIST=$(token lina)
SUPERVISOR_COOKIE=$(session wangjing)
LINA_COOKIE=$(session lina)
PLAN=$(sqlite3 "$DB" "SELECT id FROM training_plans WHERE title = 'bench training plan'")
SESSION=$(sqlite3 "$DB" "SELECT id FROM training_sessions WHERE plan_id = $PLAN AND state = 'held' ORDER BY held_on DESC LIMIT 1 OFFSET 3")
CYCLE=$(sqlite3 "$DB" "SELECT id FROM assessment_cycles WHERE name = 'bench cycle'")

run() { # name token path [cookie]
  sleep 3
  local line
  line=$(KEFU_TOKEN=$2 KEFU_COOKIE=${4:-} wrk -t2 -c8 -d"$DURATION" --timeout 5s -s bench/p95.lua "$URL$3" | grep RESULT)
  printf '%-44s %s\n' "$1" "${line#RESULT }" | tee -a "$OUT"
}

: > "$OUT"
echo "Kefu training benchmark — $(date -u +%F\ %H:%M) UTC — $(sqlite3 "$DB" "SELECT (SELECT count(*) FROM training_sessions WHERE plan_id = $PLAN) || ' sessions, ' || (SELECT count(*) FROM training_enrolments) || ' enrolments, ' || (SELECT count(*) FROM inquiries) || ' inquiries, ' || (SELECT count(*) FROM assessment_colleague_ratings) || ' colleague ratings'")" | tee -a "$OUT"
VERSION=$(sqlite3 "$DB" "SELECT version FROM assessment_cycles WHERE id = $CYCLE")
START=$(date +%s.%N)
curl -sf -o /dev/null -X POST -H "Authorization: Bearer $SUPERVISOR" -H 'Content-Type: application/json' \
  -d "{\"version\": $VERSION}" "$URL/api/v1/assessment-cycles/$CYCLE/recomputation"
END=$(date +%s.%N)
printf '%-44s %s s (goal ≤ 5 s)\n' "whole cycle recomputed with training, ratings" "$(python3 -c "print(round($END - $START, 2))")" | tee -a "$OUT"
run "healthz"                                      ""             "/healthz"
run "training plan page (HTML), supervisor"        ""             "/training/plans/$PLAN" "$SUPERVISOR_COOKIE"
run "training plan (JSON), supervisor"             "$SUPERVISOR"  "/api/v1/training/plans/$PLAN"
run "session of 200 trainees (HTML), supervisor"   ""             "/training/sessions/$SESSION" "$SUPERVISOR_COOKIE"
run "session effect 30/90 days (JSON), supervisor" "$SUPERVISOR"  "/api/v1/training/sessions/$SESSION/effect"
run "own sessions (HTML), specialist"              ""             "/training" "$LINA_COOKIE"
run "own sessions (JSON), specialist"              "$SPECIALIST"  "/api/v1/training/sessions"
run "outstanding trainees (JSON), supervisor"      "$SUPERVISOR"  "/api/v1/training/outstanding-trainees"
