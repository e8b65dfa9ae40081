#!/usr/bin/env python3
"""Adds issue 12's contracts to the benchmark database (after bench/generate.py, and
bench/generate_frontline.py if you ran it): 100,000 contracts in every state across the specialists'
customers, their checklists and clauses, and 500,000 obligations (payments, construction starts,
openings, reports) due around now — some overdue, most in the future, past ones mostly fulfilled.
Reminders already given are marked as the scheduler marks them, so a scan measures a running system.

    python3 bench/generate_contracts.py --data-dir bench/out/data [--contracts 100000]
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
STATES = ["draft"] * 2 + ["documents_complete", "terms_explained", "legal_review_passed"] + ["signed"] * 2 + ["in_execution"] * 8 + ["completed"] * 3 + ["cancelled"]
TYPES = {"investment_agreement": (["business_license", "legal_representative_id", "financial_statements", "project_plan", "authorization_letter"],
                                  ["subject", "price_payment", "investment_commitment", "tax_output", "breach", "dispute"]),
         "lease": (["business_license", "legal_representative_id", "site_plan", "authorization_letter"],
                   ["subject", "price_payment", "lease_term", "deposit", "breach", "dispute"]),
         "franchise": (["business_license", "legal_representative_id", "financial_statements", "franchise_application"],
                       ["subject", "price_payment", "franchise_fee", "brand_use", "breach", "dispute"])}
TITLES = {"investment_agreement": "项目投资协议", "lease": "厂房租赁合同", "franchise": "品牌加盟合同"}
DUTIES = [("payment", "支付首期款"), ("construction_start", "项目开工"), ("report", "提交季度经营报告"), ("opening", "开业"),
          ("report", "提交半年经营报告"), ("payment", "支付二期款"), ("other", "办理竣工验收"), ("payment", "支付尾款")]


def iso(ts):
    """Times as sqlite-nio stores a Date: seconds since 1970."""
    return ts


def day(ts):
    return datetime.datetime.fromtimestamp(ts + 8 * 3600, datetime.timezone.utc).strftime("%Y-%m-%d")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "bench", "out", "data"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build-release", "release", "kefu"))
    parser.add_argument("--contracts", type=int, default=100_000)
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
    if db.execute("SELECT COUNT(*) FROM contracts").fetchone()[0] >= args.contracts:
        sys.exit("contracts are already there")
    started = time.time()
    now = time.time()
    customers = db.execute("SELECT id, responsible_staff_id FROM customers WHERE responsible_staff_id IS NOT NULL").fetchall()
    projects = [row[0] for row in db.execute("SELECT id FROM projects")]
    departments = dict(db.execute("SELECT code, id FROM departments"))
    counter = db.execute("SELECT COALESCE(MAX(next_value), 0) FROM record_number_counters WHERE prefix = 'HT' AND year = 2026").fetchone()[0]
    next_id = db.execute("SELECT COALESCE(MAX(id), 0) FROM contracts").fetchone()[0] + 1
    contracts, items, clauses, obligations = [], [], [], []
    for n in range(args.contracts):
        cid = next_id + n
        customer, staff = rng.choice(customers)
        kind = rng.choice(list(TYPES))
        state = rng.choice(STATES)
        created = now - rng.uniform(10, 720) * 86400
        updated = min(now, created + rng.uniform(0, 200) * 86400)
        amount = rng.choice([50, 120, 360, 800, 1200, 2500, 5000]) * 10_000
        plan = json.dumps([{"label": "首期款", "amount": amount * 3 // 10}, {"label": "尾款", "amount": amount - amount * 3 // 10}], ensure_ascii=False)
        signed = state in ("signed", "in_execution", "completed")
        signed_on = now - rng.uniform(5, 360) * 86400 if signed else None
        review = "approved" if state in ("legal_review_passed", "signed", "in_execution", "completed") else ("forwarded" if state == "terms_explained" and n % 2 else "none")
        counter += 1
        contracts.append((cid, f"HT-2026-{counter:06d}", customer, rng.choice(projects) if projects else None, 1 if projects else None, kind,
                          TITLES[kind], amount, plan, "甲方：本公司；乙方：客户", staff, departments.get("legal"), departments.get("finance"),
                          departments.get("engineering"), state, iso(updated), "客户暂缓投资" if state == "cancelled" else None, review,
                          iso(updated) if review != "none" else None, day(signed_on) if signed_on else None, "公司签约室" if signed else None,
                          "客户代表、王静" if signed else None, staff, iso(created), iso(updated)))
        documents, terms = TYPES[kind]
        received = state != "draft"
        for position, code in enumerate(documents):
            items.append((cid, position + 1, code, "received" if received or position == 0 else "missing", iso(updated)))
        for position, code in enumerate(terms):
            clauses.append((cid, position + 1, code, iso(updated) if state not in ("draft", "documents_complete") else None, staff))
        if signed:
            for duty, (kind_, title) in enumerate(DUTIES):
                due = signed_on + (15 + duty * 45) * 86400
                done = iso(due) if (state == "completed" or (due < now and rng.random() < 0.8)) else None
                overdue_reminded = day(due + 86400) if due < now and done is None else None
                obligations.append((cid, customer, kind_, "customer", title, day(due), amount * 3 // 10 if kind_ == "payment" else None, 7,
                                    day(due - 7 * 86400), day(due - 7 * 86400) if due - 7 * 86400 < now else None, overdue_reminded, staff, done, iso(created)))
        if len(contracts) >= 10_000:
            flush(db, contracts, items, clauses, obligations)
            contracts, items, clauses, obligations = [], [], [], []
    flush(db, contracts, items, clauses, obligations)
    db.execute("INSERT INTO record_number_counters (prefix, year, next_value) VALUES ('HT', 2026, ?) "
               "ON CONFLICT (prefix, year) DO UPDATE SET next_value = excluded.next_value", (counter,))
    db.commit()
    db.execute("ANALYZE")
    total = db.execute("SELECT COUNT(*) FROM contract_obligations").fetchone()[0]
    print(f"{args.contracts} contracts, {total} obligations in {time.time() - started:.0f} s")


def flush(db, contracts, items, clauses, obligations):
    db.executemany(
        "INSERT INTO contracts (id, number, customer_id, project_id, project_version, type, title, amount_yuan, payment_plan, parties, staff_id,"
        " legal_department_id, finance_department_id, engineering_department_id, state, state_changed_at, cancel_reason, review_status,"
        " review_forwarded_at, signed_on, signed_place, signatories, created_by_staff_id, created_at, updated_at, version)"
        " VALUES (" + ",".join("?" * 25) + ", 1)", contracts)
    db.executemany("INSERT INTO contract_checklist_items (contract_id, position, code, is_required, status, updated_at, version) VALUES (?, ?, ?, 1, ?, ?, 1)", items)
    db.executemany("INSERT INTO contract_clauses (contract_id, position, code, explained_at, explained_by_staff_id) VALUES (?, ?, ?, ?, ?)", clauses)
    db.executemany("INSERT INTO contract_obligations (contract_id, customer_id, kind, party, title, due_on, amount_yuan, remind_days_before, remind_on,"
                   " due_soon_reminded_on, overdue_reminded_on, staff_id, done_at, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", obligations)
    db.commit()


if __name__ == "__main__":
    main()
