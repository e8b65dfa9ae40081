#!/usr/bin/env python3
"""Issues unanswered survey links for closed complaints of the benchmark database (after
bench/generate_complaints.py), as Kefu issues them — only the SHA-256 of each link's token is stored —
and writes the tokens to bench/out/survey-tokens.txt for bench/survey_answers.lua, which answers each
link once. Run it before every run_complaints.sh: an answered link cannot be answered again.

    python3 bench/survey_links.py --data-dir bench/out/data [--links 40000]
"""
import argparse
import hashlib
import os
import secrets
import sqlite3
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "bench", "out", "data"))
    parser.add_argument("--links", type=int, default=40_000)
    args = parser.parse_args()
    db = sqlite3.connect(os.path.join(args.data_dir, "kefu.sqlite3"))
    now = time.time()
    complaints = db.execute("SELECT id, customer_id, staff_id FROM complaints WHERE state = 'closed' ORDER BY id DESC LIMIT ?",
                            (args.links,)).fetchall()
    tokens = []
    rows = []
    for complaint_id, customer_id, staff_id in complaints:
        token = secrets.token_hex(32)  # as Secrets.randomToken: 64 hex digits, which the link must be
        tokens.append(token)
        rows.append(("complaint", complaint_id, customer_id, hashlib.sha256(token.encode()).hexdigest(), now, staff_id, now + 14 * 86400))
    db.executemany("INSERT INTO surveys (subject_type, subject_id, customer_id, token_hash, created_at, created_by_staff_id, expires_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    os.makedirs(os.path.join(ROOT, "bench", "out"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "out", "survey-tokens.txt"), "w") as f:
        f.write("\n".join(tokens) + "\n")
    print(f"{len(tokens)} survey links issued")


if __name__ == "__main__":
    main()
