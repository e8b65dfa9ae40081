#!/usr/bin/env python3
"""Adds issue 14's plans and an assessment cycle to the benchmark database (after bench/generate.py and,
for realistic figures, bench/generate_frontline.py and bench/generate_contracts.py): a plan for this
quarter for every specialist and one for the department, each with targets on all five recorded figures,
and an open cycle for the year with every specialist evaluated by the supervisor — so the bench can time
the plan page with live progress and recomputing the whole cycle.

    python3 bench/generate_people.py --data-dir bench/out/data
"""
import argparse
import datetime
import json
import os
import random
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = [{"figure": "inquiries_answered", "target": 120}, {"figure": "replies_on_time", "target": 95},
           {"figure": "follow_ups_on_time", "target": 90}, {"figure": "customers_to_intent", "target": 15},
           {"figure": "contracts_signed", "target": 3}]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "bench", "out", "data"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build-release", "release", "kefu"))
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()
    database = os.path.join(args.data_dir, "kefu.sqlite3")
    if not os.path.exists(database):
        sys.exit(f"{database} is missing: run bench/generate.py first")
    env = dict(os.environ, KEFU_DATA_DIR=args.data_dir, KEFU_ADMIN_PASSWORD="bench-admin-2026", KEFU_DEMO_PASSWORD="kefu-demo-2026")
    subprocess.run([args.binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([args.binary, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)

    rng = random.Random(args.seed)
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode = WAL")
    if db.execute("SELECT COUNT(*) FROM assessment_cycles WHERE name = 'bench cycle'").fetchone()[0]:
        print("already generated")
        return
    supervisor, department = db.execute("SELECT id, department_id FROM staff WHERE username = 'wangjing'").fetchone()
    specialists = [row[0] for row in db.execute(
        "SELECT id FROM staff WHERE role = 'specialist' AND is_active = 1 AND department_id = ? ORDER BY id", (department,))]
    now = time.time()
    today = datetime.date.today()
    first_month = (today.month - 1) // 3 * 3 + 1
    start = datetime.date(today.year, first_month, 1)
    end = (datetime.date(today.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1) - datetime.timedelta(days=1))
    targets = json.dumps(TARGETS, ensure_ascii=False, sort_keys=True)
    plans = [(department, None, "季度部门计划")] + [(department, person, "季度个人计划") for person in specialists]
    db.executemany(
        "INSERT INTO work_plans (department_id, staff_id, period_kind, period_start, period_end, title, targets, created_by_staff_id,"
        " created_at, updated_at, version) VALUES (?, ?, 'quarter', ?, ?, ?, ?, ?, ?, ?, 1)",
        [(d, p, start.isoformat(), end.isoformat(), title, targets, supervisor, now, now) for d, p, title in plans])
    weights = json.dumps({"attendance": 0, "professional_skills": 15, "self_evaluation": 5, "service_quality": 30, "teamwork": 10, "work_results": 40},
                         sort_keys=True)
    thresholds = json.dumps({"excellent": 90, "good": 80, "pass": 60}, sort_keys=True)
    cycle = db.execute(
        "INSERT INTO assessment_cycles (name, department_id, period_start, period_end, weights, thresholds, targets, state, created_by_staff_id,"
        " created_at, updated_at, version) VALUES ('bench cycle', ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, 1)",
        (department, f"{today.year}-01-01", f"{today.year}-12-31", weights, thresholds, targets, supervisor, now, now)).lastrowid
    db.executemany(
        "INSERT INTO assessments (cycle_id, staff_id, department_id, state, self_score, skills_rating, teamwork_rating, evaluated_at,"
        " evaluated_by_staff_id, is_appeal, created_at, updated_at, version) VALUES (?, ?, ?, 'evaluated', ?, ?, ?, ?, ?, 0, ?, ?, 1)",
        [(cycle, person, department, rng.randint(70, 95), rng.randint(60, 98), rng.randint(60, 98), now, supervisor, now, now) for person in specialists])
    db.commit()
    print(f"{len(plans)} plans, cycle {cycle} with {len(specialists)} people")


if __name__ == "__main__":
    main()
