#!/usr/bin/env python3
"""Adds issue 13's return visits and feedback to the benchmark database (after bench/generate.py): for every
signed customer and partner a history of done visits (one to four, with satisfaction and cooperation) and one
visit due — about a fifth overdue by up to two months — plus 100,000 feedback about projects and the service,
a tenth forwarded to a department and waiting for its answer.

    python3 bench/generate_return_visits.py --data-dir bench/out/data [--feedback 100000]
"""
import argparse
import os
import random
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTES = ["厂房运行正常，对物业服务满意", "希望园区增加员工宿舍配套", "对税收优惠兑现进度有疑问", "计划明年扩大产能", "班车班次偏少"]
TEXTS = ["建议项目介绍材料增加交通配套说明", "希望提供线上办理入驻手续", "园区食堂价格偏高", "建议定期组织入园企业交流会", "客服回复及时"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "bench", "out", "data"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build-release", "release", "kefu"))
    parser.add_argument("--feedback", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    database = os.path.join(args.data_dir, "kefu.sqlite3")
    if not os.path.exists(database):
        sys.exit(f"{database} is missing: run bench/generate.py first")
    env = dict(os.environ, KEFU_DATA_DIR=args.data_dir, KEFU_ADMIN_PASSWORD="bench-admin-2026", KEFU_DEMO_PASSWORD="kefu-demo-2026")
    subprocess.run([args.binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)

    rng = random.Random(args.seed)
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    if db.execute("SELECT COUNT(*) FROM return_visits").fetchone()[0] > 1000:
        sys.exit("return visits are already there")
    started = now = time.time()
    partners = db.execute("SELECT id, responsible_staff_id FROM customers WHERE stage IN ('signed', 'partner') AND merged_into_id IS NULL"
                          " AND id NOT IN (SELECT customer_id FROM return_visits WHERE state = 'due')").fetchall()  # the demo's own visits stay
    visits = []
    for customer, staff in partners:
        last = now - rng.uniform(200, 900) * 86400
        for _ in range(rng.randint(1, 4)):
            last += rng.uniform(30, 180) * 86400
            if last > now - 7 * 86400:
                break
            visits.append((customer, staff, "scheduled", last - 86400, "done", last, "phone", rng.randint(2, 5),
                           rng.choice(["good", "good", "normal", "strained"]), rng.choice(NOTES), staff, last, last))
        due = now - rng.uniform(0, 60) * 86400 if rng.random() < 0.2 else now + rng.uniform(0, 7) * 86400
        visits.append((customer, staff, "scheduled", due, "due", None, None, None, None, None, None, now, now))
        if len(visits) >= 20_000:
            flush_visits(db, visits)
            visits = []
    flush_visits(db, visits)
    customers = db.execute("SELECT id, responsible_staff_id FROM customers WHERE responsible_staff_id IS NOT NULL LIMIT 200000").fetchall()
    projects = [row[0] for row in db.execute("SELECT id FROM projects LIMIT 500")]
    departments = [row[0] for row in db.execute("SELECT id FROM departments WHERE code <> 'customer_service'")]
    counter = db.execute("SELECT COALESCE(MAX(next_value), 0) FROM record_number_counters WHERE prefix = 'YJ' AND year = 2026").fetchone()[0]
    rows = []
    for _ in range(args.feedback):
        counter += 1
        customer, staff = rng.choice(customers)
        created = now - rng.uniform(0, 720) * 86400
        project = rng.choice(projects) if projects and rng.random() < 0.5 else None
        forwarded = departments and rng.random() < 0.1
        rows.append((f"YJ-2026-{counter:06d}", customer, rng.choice(["opinion", "suggestion"]), "project" if project else "service", project,
                     rng.choice(TEXTS), staff, "forwarded" if forwarded else "closed", rng.choice(departments) if forwarded else None,
                     "请研究并答复" if forwarded else None, created + 5 * 86400 if forwarded else None, created if forwarded else None, staff, created, created))
    db.executemany("INSERT INTO feedback (number, customer_id, kind, topic, project_id, content, staff_id, state, department_id, request, due_at, forwarded_at,"
                   " created_by_staff_id, created_at, updated_at, version) VALUES (" + ",".join("?" * 15) + ", 1)", rows)
    db.execute("INSERT INTO record_number_counters (prefix, year, next_value) VALUES ('YJ', 2026, ?) "
               "ON CONFLICT (prefix, year) DO UPDATE SET next_value = excluded.next_value", (counter,))
    db.commit()
    db.execute("ANALYZE")
    due = db.execute("SELECT COUNT(*) FROM return_visits WHERE state = 'due'").fetchone()[0]
    print(f"{len(partners)} partners, {due} visits due, {args.feedback} feedback in {time.time() - started:.0f} s")


def flush_visits(db, visits):
    db.executemany("INSERT INTO return_visits (customer_id, staff_id, reason, due_at, state, done_at, channel, satisfaction, cooperation, notes,"
                   " done_by_staff_id, created_at, updated_at, version) VALUES (" + ",".join("?" * 13) + ", 1)", visits)
    db.commit()


if __name__ == "__main__":
    main()
