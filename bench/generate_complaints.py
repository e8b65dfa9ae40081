#!/usr/bin/env python3
"""Adds issue 13's complaints to the benchmark database (after bench/generate.py): 200,000 complaints
across the specialists' customers in every state and severity, received over the last two years —
most closed, a few thousand open (the scheduler's time-limit scan reads every open one) — with their
forwarded requests, the updates given to the customer and the pauses of the clock.

    python3 bench/generate_complaints.py --data-dir bench/out/data [--complaints 200000]
"""
import argparse
import os
import random
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATEGORIES = ["service_attitude", "project_facts", "contract_performance", "procedures", "property_site", "other"]
SEVERITIES = ["normal"] * 7 + ["major"] * 2 + ["urgent"]
CHANNELS = ["phone", "visit", "email", "wechat", "letter", "public_form"]
TEXTS = ["现场物业未按约定清运施工垃圾", "项目介绍中的税收优惠与实际不符", "合同约定的配套道路未按期完工", "办理环评手续等待时间过长",
         "前台接待态度冷淡", "厂房漏水多次报修未处理", "招商材料中的面积数据有误"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "bench", "out", "data"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build-release", "release", "kefu"))
    parser.add_argument("--complaints", type=int, default=200_000)
    parser.add_argument("--open-share", type=float, default=0.02)
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
    db.execute("PRAGMA synchronous = OFF")
    if db.execute("SELECT COUNT(*) FROM complaints").fetchone()[0] >= args.complaints:
        sys.exit("complaints are already there")
    started = time.time()
    now = time.time()
    customers = db.execute("SELECT id, responsible_staff_id FROM customers WHERE responsible_staff_id IS NOT NULL").fetchall()
    departments = [row[0] for row in db.execute("SELECT id FROM departments WHERE code <> 'customer_service'")]
    counter = db.execute("SELECT COALESCE(MAX(next_value), 0) FROM record_number_counters WHERE prefix = 'TS' AND year = 2026").fetchone()[0]
    next_id = db.execute("SELECT COALESCE(MAX(id), 0) FROM complaints").fetchone()[0] + 1
    complaints, forwards, updates, pauses = [], [], [], []
    for n in range(args.complaints):
        cid = next_id + n
        customer, staff = rng.choice(customers)
        is_open = rng.random() < args.open_share
        received = now - (rng.uniform(0, 10) if is_open else rng.uniform(10, 720)) * 86400
        severity = rng.choice(SEVERITIES)
        state = rng.choice(["received", "in_progress", "in_progress", "waiting_for_customer", "resolved"]) if is_open else "closed"
        responded = received + rng.uniform(0.1, 6) * 3600 if state != "received" else None
        told = received + rng.uniform(0.5, 48) * 3600 if state not in ("received",) else None
        resolved = told + rng.uniform(1, 200) * 3600 if state in ("resolved", "closed") else None
        closed = resolved + rng.uniform(1, 48) * 3600 if state == "closed" else None
        counter += 1
        complaints.append((cid, f"TS-2026-{counter:06d}", customer, rng.choice(CHANNELS), received, rng.choice(TEXTS), "尽快处理并答复",
                           rng.choice(CATEGORIES), severity, 1, 1, staff, state, resolved or told or received, responded, told,
                           resolved, 1 if resolved else None, resolved, closed, 0, None if not is_open or state == "waiting_for_customer" else received + 86400,
                           0, staff, received, closed or told or received))
        if state != "received" and departments:
            status = "open" if is_open and state == "in_progress" else "answered"
            forwards.append((cid, rng.choice(departments), "请核实并答复", received + 3 * 86400, 0, status,
                             "已核实处理" if status == "answered" else None, (responded or received) + 86400 if status == "answered" else None, staff, received))
        if told:
            updates.append((cid, customer, "progress", "phone", "已转相关部门核实，将尽快答复。", told, staff))
        if resolved:
            updates.append((cid, customer, "outcome", "wechat", "问题已处理完毕。", 1, resolved, staff))
        if state == "waiting_for_customer":
            pauses.append((cid, received + 7200, None, "等待客户提供照片"))
        if len(complaints) >= 10_000:
            flush(db, complaints, forwards, updates, pauses)
            complaints, forwards, updates, pauses = [], [], [], []
    flush(db, complaints, forwards, updates, pauses)
    db.execute("INSERT INTO record_number_counters (prefix, year, next_value) VALUES ('TS', 2026, ?) "
               "ON CONFLICT (prefix, year) DO UPDATE SET next_value = excluded.next_value", (counter,))
    db.commit()
    db.execute("ANALYZE")
    open_count = db.execute("SELECT COUNT(*) FROM complaints WHERE state <> 'closed'").fetchone()[0]
    print(f"{args.complaints} complaints ({open_count} open) in {time.time() - started:.0f} s")


def flush(db, complaints, forwards, updates, pauses):
    db.executemany(
        "INSERT INTO complaints (id, number, customer_id, channel, received_at, description, demands, category, severity, acknowledged, apologised,"
        " staff_id, state, state_changed_at, first_responded_at, last_told_at, outcome_told_at, customer_accepts, resolved_at, closed_at,"
        " reopen_count, next_due_at, escalation_level, created_by_staff_id, created_at, updated_at, version)"
        " VALUES (" + ",".join("?" * 26) + ", 1)", complaints)
    db.executemany("INSERT INTO complaint_forwards (complaint_id, department_id, request, due_at, needs_contact, status, answer, answered_at,"
                   " forwarded_by_staff_id, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", forwards)
    db.executemany("INSERT INTO complaint_updates (complaint_id, customer_id, kind, channel, content, told_at, staff_id, created_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [u[:5] + (u[5],) + (u[6], u[5]) for u in updates if len(u) == 7])
    db.executemany("INSERT INTO complaint_updates (complaint_id, customer_id, kind, channel, content, customer_accepts, told_at, staff_id, created_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [u + (u[6],) for u in updates if len(u) == 8])
    db.executemany("INSERT INTO complaint_pauses (complaint_id, started_at, ended_at, reason) VALUES (?, ?, ?, ?)", pauses)
    db.commit()


if __name__ == "__main__":
    main()
