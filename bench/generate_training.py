#!/usr/bin/env python3
"""Adds issue 14 §3–4's training and colleague ratings to the benchmark database (after bench/generate.py
and bench/generate_people.py): an approved plan for this year with 24 sessions, every specialist of the
department enrolled in each, attendance, test scores before and after, the outstanding mark by the rule,
most trainees' ratings; and five anonymous colleague ratings for every assessment of the bench cycle — so
the bench can time the plan page, a session of 200 trainees, its effect on the work, and the cycle's
recomputation with training results and colleague ratings read.

    python3 bench/generate_training.py --data-dir bench/out/data
"""
import argparse
import datetime
import os
import random
import sqlite3
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AREAS = ["investment_business", "service_skills", "communication_skills", "laws_and_regulations", "industry_trends"]
METHODS = ["internal", "external", "online", "case_study", "simulation_drill"]
TITLES = ["招商政策解读", "接待礼仪规范", "投诉处理情景模拟", "合同风险与法规", "重点客户案例复盘", "个人信息保护实务", "产业动态分享", "高难度客户沟通"]
AIMED = ["replies_on_time", "complaints_in_time", "satisfaction"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "bench", "out", "data"))
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    database = os.path.join(args.data_dir, "kefu.sqlite3")
    if not os.path.exists(database):
        sys.exit(f"{database} is missing: run bench/generate.py and bench/generate_people.py first")
    rng = random.Random(args.seed)
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode = WAL")
    if db.execute("SELECT COUNT(*) FROM training_plans WHERE title = 'bench training plan'").fetchone()[0]:
        print("already generated")
        return
    supervisor, department = db.execute("SELECT id, department_id FROM staff WHERE username = 'wangjing'").fetchone()
    leader = db.execute("SELECT id FROM staff WHERE username = 'zhaoguoqiang'").fetchone()[0]
    specialists = [row[0] for row in db.execute(
        "SELECT id FROM staff WHERE role = 'specialist' AND is_active = 1 AND department_id = ? ORDER BY id", (department,))]
    now = time.time()
    today = datetime.date.today()
    cursor = db.execute(
        "INSERT INTO training_plans (department_id, year, title, goals, areas, methods, hours, budget_yuan, state, submitted_at, decided_at,"
        " decided_by_staff_id, decision_note, created_by_staff_id, created_at, updated_at, version)"
        " VALUES (?, ?, 'bench training plan', '全员提升服务与政策能力', ?, ?, 200, 500000, 'approved', ?, ?, ?, '同意', ?, ?, ?, 3)",
        (department, today.year, ",".join(AREAS), ",".join(METHODS), now, now, leader, supervisor, now, now))
    plan = cursor.lastrowid
    enrolments = 0
    for index in range(24):
        day = datetime.date(today.year, 1, 10) + datetime.timedelta(days=index * 14)
        held = day < today
        cursor = db.execute(
            "INSERT INTO training_sessions (plan_id, department_id, title, trainer, content_area, method, scheduled_on, hours, cost_yuan, location,"
            " aimed_figures, state, held_on, supervisor_note, created_at, updated_at, version) VALUES (?, ?, ?, '王静', ?, ?, ?, 4, 5000, '培训室', ?, ?, ?, ?, ?, ?, 2)",
            (plan, department, f"{TITLES[index % len(TITLES)]}（第 {index + 1} 期）", AREAS[index % len(AREAS)], METHODS[index % len(METHODS)],
             day.isoformat(), ",".join(AIMED[: 1 + index % 3]), "held" if held else "scheduled", day.isoformat() if held else None,
             "整体表现良好" if held else None, now, now))
        session = cursor.lastrowid
        rows = []
        for person in specialists:
            attended = held and rng.random() < 0.9
            before = rng.randint(50, 85) if attended else None
            after = min(100, before + rng.randint(0, 20)) if attended else None
            outstanding = bool(attended and after >= 90 and after - before >= 10)
            rating = rng.randint(3, 5) if attended and rng.random() < 0.8 else None
            rows.append((session, person, (1 if attended else 0) if held else None, before, after, rating, "内容实用" if rating else None,
                         now if rating else None, 1 if outstanding else 0, now, now, 2 if held else 1))
        db.executemany(
            "INSERT INTO training_enrolments (session_id, staff_id, attended, score_before, score_after, rating, rating_comment, rated_at,"
            " is_outstanding, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        enrolments += len(rows)
    cycle = db.execute("SELECT id FROM assessment_cycles WHERE name = 'bench cycle'").fetchone()
    ratings = 0
    if cycle:
        assessments = db.execute("SELECT id, staff_id FROM assessments WHERE cycle_id = ? ORDER BY id", (cycle[0],)).fetchall()
        rows = []
        for assessment, person in assessments:
            for rater in rng.sample([p for p in specialists if p != person], min(5, len(specialists) - 1)):
                rows.append((assessment, cycle[0], rater, rng.randint(60, 100), now, now))
        db.executemany("INSERT INTO assessment_colleague_ratings (assessment_id, cycle_id, rater_staff_id, score, created_at, updated_at, version)"
                       " VALUES (?, ?, ?, ?, ?, ?, 1)", rows)
        ratings = len(rows)
    db.commit()
    print(f"plan {plan}: 24 sessions, {enrolments} enrolments, {ratings} colleague ratings")


if __name__ == "__main__":
    main()
