#!/usr/bin/env python3
"""Adds issue 15's discipline, penalties and awards to the benchmark database (after bench/generate.py and,
for realistic figures, bench/generate_frontline.py and bench/generate_people.py): two years of violations
for every specialist (about one a quarter, most confirmed), a penalty citing most confirmed ones (some
appealed and decided), a monthly award for each of the 24 months and a few special-contribution awards —
so the bench can time the monthly shortlist for 200 people and a person's record page.

    python3 bench/generate_conduct.py --data-dir bench/out/data
"""
import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPES = ["leaving_post", "shirking_customer", "confidentiality_breach", "conduct"]
DESCRIPTIONS = ["工作时间离开座席，未报备。", "客户来电咨询被告知“不归我管”。", "查看非本人负责客户的完整手机号，理由不充分。", "通话中语气生硬，客户不满。"]
KINDS = [("warning", None), ("criticism", None), ("bonus_deduction", 200), ("bonus_deduction", 500), ("reassignment", None)]
DAY = 86_400


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
    if db.execute("SELECT COUNT(*) FROM violations WHERE description LIKE 'bench:%'").fetchone()[0]:
        print("already generated")
        return
    supervisor, department = db.execute("SELECT id, department_id FROM staff WHERE username = 'wangjing'").fetchone()
    leadership = db.execute("SELECT id FROM staff WHERE role = 'leadership' ORDER BY id LIMIT 1").fetchone()[0]
    specialists = [row[0] for row in db.execute(
        "SELECT id FROM staff WHERE role = 'specialist' AND is_active = 1 AND department_id = ? ORDER BY id", (department,))]
    now = time.time()
    violations = penalties = awards = 0
    for person in specialists:
        for _ in range(rng.randint(4, 12)):
            at = now - rng.randint(1, 730) * DAY - rng.randint(0, 8 * 3600)
            kind = rng.randrange(len(TYPES))
            outcome = rng.choice(["confirmed", "confirmed", "confirmed", "dismissed", "pending"])
            violation = db.execute(
                "INSERT INTO violations (staff_id, department_id, type, occurred_at, description, response, responded_at, outcome, outcome_note,"
                " decided_at, recorded_by_staff_id, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 3)",
                (person, department, TYPES[kind], at, "bench: " + DESCRIPTIONS[kind], "情况属实，今后注意。", at + DAY, outcome,
                 None if outcome == "pending" else "已核实。", None if outcome == "pending" else at + 2 * DAY, supervisor, at, at + 2 * DAY)).lastrowid
            violations += 1
            if outcome != "confirmed" or rng.random() < 0.2:
                continue
            penalty_kind, amount = rng.choice(KINDS)
            imposed = at + 3 * DAY
            status = rng.choice(["imposed", "imposed", "appealed", "upheld", "revoked"])
            decided = status in ("upheld", "revoked")
            db.execute(
                "INSERT INTO penalties (staff_id, department_id, kind, cause_type, cause_id, reason, amount, imposed_at, imposed_by_staff_id,"
                " appeal_until, status, appeal_reason, appealed_at, decision_note, decided_by_staff_id, decided_at, created_at, updated_at, version)"
                " VALUES (?, ?, ?, 'violation', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (person, department, penalty_kind, violation, "违反工作纪律。", amount, imposed, supervisor, imposed + 7 * DAY, status,
                 "请求撤销。" if status != "imposed" else None, imposed + DAY if status != "imposed" else None,
                 "已核实。" if decided else None, (leadership if penalty_kind in ("bonus_deduction", "reassignment") else supervisor) if decided else None,
                 imposed + 3 * DAY if decided else None, imposed, imposed, 1 if status == "imposed" else 2 if status == "appealed" else 3))
            penalties += 1
    reasons = json.dumps([{"key": "shortlist.reason.total", "arguments": {"score": "92.5"}}], ensure_ascii=False)
    for back in range(24):
        at = now - back * 30 * DAY
        month = time.strftime("%Y-%m", time.localtime(at - 15 * DAY))
        person = rng.choice(specialists)
        db.execute(
            "INSERT INTO awards (staff_id, department_id, kind, period, forms, bonus, citation, shortlist_place, shortlist_reasons, status,"
            " decided_by_staff_id, decided_at, created_at, updated_at, version) VALUES (?, ?, 'monthly', ?, 'bonus,certificate,public_praise', 500, ?, 1, ?,"
            " 'granted', ?, ?, ?, ?, 1)", (person, department, month, f"{month} 月度优质服务奖", reasons, supervisor, at, at, at))
        awards += 1
    for person in rng.sample(specialists, min(20, len(specialists))):
        at = now - rng.randint(1, 700) * DAY
        db.execute(
            "INSERT INTO awards (staff_id, department_id, kind, cause_type, cause_id, forms, citation, status, decided_by_staff_id, decided_at,"
            " approved_by_staff_id, approved_at, created_at, updated_at, version) VALUES (?, ?, 'special', 'violation', 1, 'certificate,training', ?,"
            " 'granted', ?, ?, ?, ?, ?, ?, 2)", (person, department, "bench: 特殊贡献", supervisor, at, leadership, at + DAY, at, at))
        awards += 1
    db.commit()
    print(f"{violations} violations, {penalties} penalties, {awards} awards for {len(specialists)} people")


if __name__ == "__main__":
    main()
