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
OUT=bench/out/training.txt
source bench/lib.sh
start_server training "${KEFU_BENCH_PORT:-8185}"
SUPERVISOR=$(token wangjing)
SPECIALIST=$(token lina)
SUPERVISOR_COOKIE=$(session wangjing)
LINA_COOKIE=$(session lina)
PLAN=$(sqlite3 "$DB" "SELECT id FROM training_plans WHERE title = 'bench training plan'")
SESSION=$(sqlite3 "$DB" "SELECT id FROM training_sessions WHERE plan_id = $PLAN AND state = 'held' ORDER BY held_on DESC LIMIT 1 OFFSET 3")
CYCLE=$(sqlite3 "$DB" "SELECT id FROM assessment_cycles WHERE name = 'bench cycle'")

begin_table "Kefu training benchmark" "SELECT (SELECT count(*) FROM training_sessions WHERE plan_id = $PLAN) || ' sessions, ' || (SELECT count(*) FROM training_enrolments) || ' enrolments, ' || (SELECT count(*) FROM inquiries) || ' inquiries, ' || (SELECT count(*) FROM assessment_colleague_ratings) || ' colleague ratings'"
VERSION=$(sqlite3 "$DB" "SELECT version FROM assessment_cycles WHERE id = $CYCLE")
START=$(date +%s.%N)
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $SUPERVISOR" -H 'Content-Type: application/json' \
  -d "{\"version\": $VERSION}" "$URL/api/v1/assessment-cycles/$CYCLE/recomputation")
END=$(date +%s.%N)
printf '%-50s %s s, status %s (goal ≤ 5 s)\n' "whole cycle recomputed with training, ratings" "$(python3 -c "print(round($END - $START, 2))")" "$STATUS" | tee -a "$OUT"
measure "training plan page (HTML), supervisor ≤50ms"        ""             "/training/plans/$PLAN" "$SUPERVISOR_COOKIE"
measure "training plan (JSON), supervisor ≤50ms"             "$SUPERVISOR"  "/api/v1/training/plans/$PLAN"
measure "session of 200 trainees (HTML), supervisor"        ""             "/training/sessions/$SESSION" "$SUPERVISOR_COOKIE"
measure "session effect 30/90 days (JSON), supervisor"      "$SUPERVISOR"  "/api/v1/training/sessions/$SESSION/effect"
measure "own sessions (HTML), specialist"                   ""             "/training" "$LINA_COOKIE"
measure "own sessions (JSON), specialist"                   "$SPECIALIST"  "/api/v1/training/sessions"
measure "outstanding trainees (JSON), supervisor"           "$SUPERVISOR"  "/api/v1/training/outstanding-trainees"
