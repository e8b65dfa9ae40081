#!/usr/bin/env python3
"""Adds issue 4's front-line data to the benchmark database that bench/generate.py built: the demo's
projects, recommendations, follow-ups and inquiries (through `kefu demo`, after `kefu migrate`), then
180 more projects (200 in all), and across the 200 specialists' million customers:

  - an open follow-up for every customer with intent or in negotiation (due within two weeks either
    side of now) and a completed one before it;
  - 200,000 inquiries (most answered, 8 % promised replies around now, some overdue);
  - 300,000 recommendations with reactions;
  - 500 public-form inquiries waiting in the queue.

    python3 bench/generate_frontline.py --data-dir bench/out/data
"""
import argparse
import os
import random
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INDUSTRIES = ["manufacturing", "technology", "biomedicine", "new_energy", "logistics", "retail", "catering",
              "education", "culture_tourism", "finance", "real_estate", "agriculture", "other"]
TYPES = ["industrial_park"] * 5 + ["commercial_property"] * 3 + ["franchise"] * 2
PLACES = [("上海市", "上海"), ("江苏省", "苏州"), ("江苏省", "南京"), ("浙江省", "杭州"), ("浙江省", "宁波"), ("广东省", "深圳"),
          ("广东省", "广州"), ("四川省", "成都"), ("湖北省", "武汉"), ("山东省", "青岛"), ("福建省", "厦门"), ("安徽省", "合肥")]
WORDS = ["临港", "滨江", "高新", "未来", "智慧", "绿谷", "星河", "天府", "光谷", "前海", "自贸", "新区"]
KINDS = ["智能制造产业园", "生物医药港", "数字经济园", "新能源基地", "物流中心", "商业综合体", "文创街区", "品牌加盟"]
QUESTIONS = ["园区租金多少？", "注册公司要多久？", "有没有设备补贴？", "人才公寓怎么申请？", "加盟费多少？", "客流数据能提供吗？"]
REASONS = ["投资额超出预算", "更倾向长三角地区", "回报周期太长", "行业不符合公司战略"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "bench", "out", "data"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build-release", "release", "kefu"))
    parser.add_argument("--seed", type=int, default=20261130)
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
    started = time.time()
    now = time.time()
    if db.execute("SELECT COUNT(*) FROM projects").fetchone()[0] >= 200:
        sys.exit("front-line data is already there")

    existing = db.execute("SELECT COUNT(*) FROM projects").fetchone()[0]
    projects = []
    for i in range(existing, 200):
        province, city = rng.choice(PLACES)
        low = rng.choice([30, 50, 100, 300, 500, 1000, 3000])
        industries = rng.sample(INDUSTRIES[:-1], rng.randint(1, 3))
        projects.append((f"XM-BENCH-{i:03d}", city + rng.choice(WORDS) + rng.choice(KINDS), rng.choice(TYPES), "," + ",".join(industries) + ",",
                         province, city, low * 10000, low * rng.randint(3, 10) * 10000, "open" if rng.random() < 0.9 else "paused", now, now))
    db.executemany(
        "INSERT INTO projects (code, name, type, industries, province, city, investment_min_yuan, investment_max_yuan, status, created_at, updated_at, version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", projects)
    db.execute("""INSERT INTO project_versions (project_id, version, facts, changes, actor_name, changed_at)
                  SELECT id, 1, '{}', '[]', 'bench', created_at FROM projects WHERE code LIKE 'XM-BENCH-%'""")
    project_ids = [row[0] for row in db.execute("SELECT id FROM projects")]
    print(f"projects: {len(project_ids)}")

    # Follow-ups for customers with intent or in negotiation: one done, one open around now.
    rows = db.execute("SELECT id, responsible_staff_id FROM customers WHERE stage IN ('intent', 'negotiating') AND merged_into_id IS NULL"
                      " AND id NOT IN (SELECT customer_id FROM follow_ups)").fetchall()
    batch = []
    for customer_id, staff_id in rows:
        due = now + rng.uniform(-14, 14) * 86400
        batch.append((customer_id, staff_id, due - 14 * 86400, "phone", "回访客户意向", due - 20 * 86400, staff_id, due - 14 * 86400, staff_id, "客户仍在比较"))
        batch.append((customer_id, staff_id, due, rng.choice(["phone", "wechat", "visit"]), "确认考察时间", due - 14 * 86400, staff_id, None, None, None))
        if len(batch) >= 50000:
            insert_follow_ups(db, batch)
            batch = []
    insert_follow_ups(db, batch)
    print(f"follow-ups: {db.execute('SELECT COUNT(*) FROM follow_ups').fetchone()[0]}")

    # Inquiries: 200,000 on random customers, by their specialists.
    customers = db.execute("SELECT id, responsible_staff_id FROM customers WHERE merged_into_id IS NULL ORDER BY RANDOM() LIMIT 200000").fetchall()
    base = db.execute("SELECT COALESCE(MAX(id), 0) FROM inquiries").fetchone()[0]
    batch = []
    for offset, (customer_id, staff_id) in enumerate(customers):
        inquiry_id = base + offset + 1
        received = now - rng.uniform(0, 180) * 86400
        if rng.random() < 0.08:
            deadline = now + rng.uniform(-3, 2) * 86400
            received = deadline - 86400
            batch.append((inquiry_id, f"ZX-BENCH-{inquiry_id:07d}", customer_id, "phone", received, rng.choice(QUESTIONS), None, None, "promised",
                          deadline, staff_id, staff_id, received, received))
        else:
            batch.append((inquiry_id, f"ZX-BENCH-{inquiry_id:07d}", customer_id, "phone", received, rng.choice(QUESTIONS), "已答复",
                          received + rng.uniform(1, 30) * 60, "closed", None, staff_id, staff_id, received, received))
        if len(batch) >= 50000:
            insert_inquiries(db, batch)
            batch = []
    insert_inquiries(db, batch)
    waiting = [(f"访客{i}", f"139{i:08d}", rng.choice(QUESTIONS), now - rng.uniform(0, 3) * 86400) for i in range(500)]
    db.executemany(
        "INSERT INTO inquiries (channel, received_at, question, status, visitor_name, visitor_mobile, consent_notice_version, consent_at,"
        " source_address, created_at, updated_at, version) VALUES ('web_form', ?, ?, 'waiting', ?, ?, '2026-01', ?, 'bench', ?, ?, 1)",
        [(received, question, name, mobile, received, received, received) for name, mobile, question, received in waiting])
    db.execute("UPDATE inquiries SET number = 'ZX-BENCH-' || id WHERE number IS NULL")
    print(f"inquiries: {db.execute('SELECT COUNT(*) FROM inquiries').fetchone()[0]}")

    # Recommendations with reactions.
    customers = db.execute("SELECT id, responsible_staff_id FROM customers WHERE merged_into_id IS NULL ORDER BY RANDOM() LIMIT 150000").fetchall()
    batch = []
    for customer_id, staff_id in customers:
        for _ in range(2):
            at = now - rng.uniform(0, 120) * 86400
            reaction = rng.choice(["interested", "wants_more_information", "not_interested", None])
            batch.append((customer_id, rng.choice(project_ids), 1, staff_id, at, "phone", "", 60, "[]", reaction,
                          rng.choice(REASONS) if reaction == "not_interested" else None, at + 86400 if reaction else None))
        if len(batch) >= 50000:
            insert_recommendations(db, batch)
            batch = []
    insert_recommendations(db, batch)
    print(f"recommendations: {db.execute('SELECT COUNT(*) FROM recommendations').fetchone()[0]}")
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    print(f"done in {time.time() - started:.0f} s")


def insert_follow_ups(db, batch):
    db.executemany(
        "INSERT INTO follow_ups (customer_id, staff_id, due_at, channel, purpose, created_at, created_by_staff_id, completed_at, completed_by_staff_id, outcome)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)


def insert_inquiries(db, batch):
    db.executemany(
        "INSERT INTO inquiries (id, number, customer_id, channel, received_at, question, answer, first_answered_at, status, promised_by,"
        " staff_id, created_by_staff_id, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", batch)


def insert_recommendations(db, batch):
    db.executemany(
        "INSERT INTO recommendations (customer_id, project_id, project_version, staff_id, recommended_at, presentation, material, score, explanation,"
        " reaction, reaction_reason, reaction_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)


if __name__ == "__main__":
    main()
