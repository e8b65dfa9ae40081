#!/usr/bin/env python3
"""Builds a benchmark database: the demo department plus 200 specialists, 1,000,000 customers and
5,000,000 communication records with realistic Chinese data (Faker zh_CN pools), their timeline
entries and search index — written straight into the SQLite file that `kefu migrate` created.

    python3 bench/generate.py --data-dir bench/out/data --customers 1000000 --communications 5000000

The search terms are made exactly as KefuDomain's SearchGrams.indexTerms makes them (overlapping
character pairs for Chinese, whole latin words), so the server's queries see what it would have
written itself.
"""
import argparse
import os
import random
import sqlite3
import subprocess
import sys
import time

from faker import Faker

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
INDUSTRIES = ["manufacturing", "technology", "biomedicine", "new_energy", "logistics", "retail", "catering",
              "education", "culture_tourism", "finance", "real_estate", "agriculture", "other"]
SOURCES = ["phone", "email", "online_chat", "visit", "web_form", "referral", "event"]
STAGES = ["lead"] * 40 + ["intent"] * 25 + ["negotiating"] * 12 + ["signed"] * 8 + ["partner"] * 5 + ["lost"] * 10
TIMINGS = ["within_3_months", "within_6_months", "within_year", "later", "undecided"]
CHANNELS = ["phone"] * 5 + ["email", "online_chat", "online_chat", "visit", "wechat", "meeting"]
SUMMARIES = [
    "询问园区厂房租金及物业费", "了解三年免租政策的申请条件", "咨询工商注册所需材料", "要求发送项目招商手册", "询问周边交通与配套",
    "确认实地考察时间", "反馈对租金报价有顾虑", "询问税收返还比例", "了解人才公寓申请流程", "咨询环评审批周期",
    "对比两个园区的优惠政策", "询问加盟品牌的首期投入", "了解商铺的客流数据", "跟进合同条款解释", "提交营业执照复印件",
    "询问装修补贴", "确认签约日期", "反馈项目方回复太慢", "询问电力增容费用", "了解产业基金对接",
]
NEXT_STEPS = ["下周三前发送资料", "安排实地考察", "等待客户内部决策", "约项目方一起洽谈", "提交主管审批优惠", "月底前再次回访", ""]


def credit_code(rng):
    first = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(rng.choice(ALPHABET) for _ in range(9))
    total = sum(ALPHABET.index(c) * w for c, w in zip(first, WEIGHTS))
    return first + ALPHABET[(31 - total % 31) % 31]


def is_cjk(ch):
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF or 0xF900 <= o <= 0xFAFF


def index_terms(text):
    """SearchGrams.indexTerms: Chinese runs as overlapping pairs, then their characters one by one (a lone
    character as itself), words whole."""
    terms, cjk, word = [], [], []

    def flush_cjk():
        if cjk:
            terms.extend([cjk[0]] if len(cjk) == 1 else [cjk[i] + cjk[i + 1] for i in range(len(cjk) - 1)] + cjk)
            cjk.clear()

    def flush_word():
        if word:
            terms.append("".join(word))
            word.clear()

    for ch in text.lower():
        if is_cjk(ch):
            flush_word()
            cjk.append(ch)
        elif ch.isalnum():
            flush_cjk()
            word.append(ch)
        else:
            flush_cjk()
            flush_word()
    flush_cjk()
    flush_word()
    return " ".join(terms)


def company_key(name):
    key = name.lower().replace(" ", "")
    for suffix in ["股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司"]:
        while key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key[: -len(suffix)]
    return key


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "bench", "out", "data"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build-release", "release", "kefu"))
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--communications", type=int, default=5_000_000)
    parser.add_argument("--specialists", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()

    os.makedirs(args.data_dir, exist_ok=True)
    database = os.path.join(args.data_dir, "kefu.sqlite3")
    if os.path.exists(database):
        sys.exit(f"{database} exists; remove the folder to generate anew")
    env = dict(os.environ, KEFU_DATA_DIR=args.data_dir, KEFU_ADMIN_PASSWORD="bench-admin-2026", KEFU_DEMO_PASSWORD="kefu-demo-2026")
    subprocess.run([args.binary, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)

    rng = random.Random(args.seed)
    fake = Faker("zh_CN")
    Faker.seed(args.seed)
    names = list({fake.name() for _ in range(30000)})
    companies = list({fake.company() for _ in range(40000)})
    provinces = [(fake.province(), fake.city()) for _ in range(400)]

    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    started = time.time()

    password_hash, department_id = db.execute(
        "SELECT password_hash, department_id FROM staff WHERE username = 'lina'").fetchone()
    now = time.time()
    existing = db.execute("SELECT COUNT(*) FROM staff WHERE role = 'specialist'").fetchone()[0]
    db.executemany(
        "INSERT INTO staff (username, display_name, department_id, role, language, is_active, password_hash, password_changed_at, version, created_at, updated_at)"
        " VALUES (?, ?, ?, 'specialist', 'zh-Hans', 1, ?, ?, 1, ?, ?)",
        [(f"bench{i:03d}", rng.choice(names), department_id, password_hash, now, now, now) for i in range(args.specialists - existing)])
    specialists = [row[0] for row in db.execute("SELECT id FROM staff WHERE role = 'specialist' ORDER BY id")]

    # The demo's own customers (2026 codes) stay; the generated ones take ids after them and the
    # codes of the two years before.
    base_id = db.execute("SELECT COALESCE(MAX(id), 0) FROM customers").fetchone()[0]
    base_record = db.execute("SELECT COALESCE(MAX(id), 0) FROM communication_records").fetchone()[0]
    batch, fts, timeline = [], [], []
    year_counts = {2024: 0, 2025: 0}
    for number in range(1, args.customers + 1):
        customer_id = base_id + number
        year = 2024 if number <= args.customers // 2 else 2025
        year_counts[year] += 1
        code = f"KH-{year}-{year_counts[year]:06d}"
        is_company = rng.random() < 0.8
        name = rng.choice(names)
        company = rng.choice(companies) if is_company else None
        mobile = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
        email = f"user{customer_id}@{rng.choice(['qq.com', '163.com', 'sina.com', 'pujiang-tech.cn'])}" if rng.random() < 0.4 else None
        province, city = rng.choice(provinces)
        industries = "," + ",".join(rng.sample(INDUSTRIES, rng.randint(1, 2))) + ","
        budget_min = rng.choice([50, 100, 200, 500, 1000, 3000]) * 10000
        created = now - rng.uniform(0, 2 * 365 * 86400)
        updated = created + rng.uniform(0, max(0.0, now - created))
        search_text = " ".join(x for x in [code, name, company, email, city] if x).lower()
        batch.append((customer_id, code, "company" if is_company else "individual", name, company,
                      company_key(company) if company else None, credit_code(rng) if is_company and rng.random() < 0.5 else None,
                      mobile, mobile[-4:], email, province, city, industries, budget_min, budget_min * rng.choice([2, 3, 5]),
                      rng.choice(TIMINGS), rng.choice(SOURCES), rng.choice(["A", "B", "B", "C", "C", "C", "D"]), rng.choice(STAGES),
                      rng.choice(specialists), "", search_text, created, updated))
        fts.append((customer_id, index_terms(search_text)))
        timeline.append((customer_id, created, "created", "customer", customer_id, None, "import", code))
        if len(batch) == 20000:
            flush_customers(db, batch, fts, timeline)
            print(f"\r{number:,} customers ({time.time() - started:.0f} s)", end="", file=sys.stderr)
    flush_customers(db, batch, fts, timeline)
    for year, count in year_counts.items():
        db.execute("INSERT OR REPLACE INTO customer_code_sequences (year, next_value) VALUES (?, ?)", (year, count))
    db.commit()
    print(f"\n{args.customers:,} customers in {time.time() - started:.0f} s", file=sys.stderr)

    records, timeline = [], []
    for number in range(1, args.communications + 1):
        record_id = base_record + number
        customer_id = base_id + (min(args.customers, int(rng.paretovariate(1.2))) if rng.random() < 0.3 else rng.randint(1, args.customers))
        at = now - rng.uniform(0, 365 * 86400)
        summary = rng.choice(SUMMARIES)
        records.append((record_id, customer_id, rng.choice(specialists), rng.choice(CHANNELS), rng.choice(["inbound", "outbound"]),
                        at, rng.randint(1, 45), summary, summary + "。客户表示会与合伙人商量。", rng.choice(NEXT_STEPS), at))
        timeline.append((customer_id, at, "communication", "communication_record", record_id, None, "bench", summary))
        if len(records) == 50000:
            flush_communications(db, records, timeline)
            print(f"\r{number:,} communication records ({time.time() - started:.0f} s)", end="", file=sys.stderr)
    flush_communications(db, records, timeline)
    db.commit()
    db.execute("PRAGMA optimize")
    db.execute("ANALYZE")
    db.commit()
    db.close()
    print(f"\ndone in {time.time() - started:.0f} s: {database}", file=sys.stderr)


def flush_customers(db, batch, fts, timeline):
    db.executemany(
        "INSERT INTO customers (id, code, kind, name, company_name, company_key, credit_code, mobile, mobile_last4, email, province, city,"
        " industries, budget_min_yuan, budget_max_yuan, timing, source, grade, stage, responsible_staff_id, tags, search_text,"
        " created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", batch)
    db.executemany("INSERT INTO customer_search (rowid, terms) VALUES (?, ?)", fts)
    insert_timeline(db, timeline)
    batch.clear(), fts.clear(), timeline.clear()


def flush_communications(db, records, timeline):
    db.executemany(
        "INSERT INTO communication_records (id, customer_id, staff_id, channel, direction, occurred_at, duration_minutes, summary, content,"
        " next_step, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", records)
    insert_timeline(db, timeline)
    records.clear(), timeline.clear()


def insert_timeline(db, timeline):
    db.executemany(
        "INSERT INTO timeline_entries (customer_id, occurred_at, kind, record_type, record_id, staff_id, actor_name, summary)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", timeline)


if __name__ == "__main__":
    main()
