#!/usr/bin/env python3
"""Adds issue 15's attendance to the benchmark database (after bench/generate.py): two years of clock
events for every active person of the customer-service department (the 200 specialists and the demo
team), on weekdays with a few minutes' spread, some latenesses, forgotten clock-outs and absences; a
few days of approved leave a year each; and the marks the rules give for them, numbered as Kefu numbers
them — so the bench can time the month's team sheet.

    python3 bench/generate_attendance.py --data-dir bench/out/data
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
CHINA = datetime.timezone(datetime.timedelta(hours=8))


def instant(day, minutes, seconds=0):
    local = datetime.datetime(day.year, day.month, day.day, tzinfo=CHINA) + datetime.timedelta(minutes=minutes, seconds=seconds)
    return local.timestamp()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "bench", "out", "data"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build-release", "release", "kefu"))
    parser.add_argument("--days", type=int, default=730)
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
    if db.execute("SELECT COUNT(*) FROM clock_records WHERE source = 'import' AND network = 'bench'").fetchone()[0]:
        print("already generated")
        return
    department = db.execute("SELECT id FROM departments WHERE is_customer_service = 1").fetchone()[0]
    people = [row[0] for row in db.execute("SELECT id FROM staff WHERE department_id = ? AND is_active = 1 ORDER BY id", (department,))]
    today = datetime.datetime.now(CHINA).date()
    start = today - datetime.timedelta(days=args.days)
    now = time.time()
    counters = {}
    clocks, leave, marks = [], [], []

    def number(day):
        counters[day.year] = counters.get(day.year, 0) + 1
        return f"KQ-{day.year}-{counters[day.year]:06d}"

    for person in people:
        leave_days = set()
        for year_offset in range(3):
            first = start + datetime.timedelta(days=rng.randrange(0, 360) + 365 * year_offset)
            if first < today - datetime.timedelta(days=3):
                span = rng.choice([1, 1, 2, 3])
                leave.append((person, department, rng.choice(["annual", "sick", "personal", "compensatory"]), first.isoformat(),
                              (first + datetime.timedelta(days=span - 1)).isoformat(), "年度休假", "approved", now))
                leave_days.update(first + datetime.timedelta(days=i) for i in range(span))
        day = start
        late_in_month = {}
        while day < today:
            if day.weekday() < 5 and day not in leave_days:
                roll = rng.random()
                key = (day.year, day.month)
                if roll < 0.01:
                    marks.append((number(day), person, department, day.isoformat(), "absence", 0, 1.0, "attendance.cause.no_clock", "{}"))
                else:
                    arrival = 8 * 60 + 30 + rng.randrange(0, 30)
                    if roll < 0.06:
                        arrival = 9 * 60 + 6 + rng.randrange(0, 40)
                    clocks.append((person, instant(day, arrival, rng.randrange(60)), "in"))
                    if arrival > 9 * 60 + 5:
                        late_in_month[key] = late_in_month.get(key, 0) + 1
                        n = late_in_month[key]
                        late = arrival - 9 * 60
                        # As AttendanceRules writes them: a free pass names how many the month allows.
                        arguments = {"grace": "5", "minutes": str(late), "number": str(n)}
                        if n <= 2:
                            arguments["free"] = "2"
                        args_json = json.dumps(arguments, sort_keys=True)
                        marks.append((number(day), person, department, day.isoformat(), "late", late, 0.0 if n <= 2 else 0.25,
                                      "attendance.cause.late_free" if n <= 2 else "attendance.cause.late", args_json))
                    if roll > 0.995:
                        marks.append((number(day), person, department, day.isoformat(), "missing_clock", 0, 0.5, "attendance.cause.no_clock_out", "{}"))
                    else:
                        clocks.append((person, instant(day, 18 * 60 + rng.randrange(0, 45), rng.randrange(60)), "out"))
            day += datetime.timedelta(days=1)
    db.executemany(
        "INSERT INTO clock_records (staff_id, at, direction, source, address, network, version, created_at, updated_at)"
        " VALUES (?, ?, ?, 'import', '', 'bench', 1, ?, ?)", [(p, at, d, at, at) for p, at, d in clocks])
    db.executemany(
        "INSERT INTO leave_requests (staff_id, department_id, kind, start_day, end_day, reason, status, version, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 2, ?, ?)", [row + (row[-1],) for row in leave])
    db.executemany(
        "INSERT OR IGNORE INTO attendance_marks (number, staff_id, department_id, day, kind, minutes, deduction_days, cause, cause_arguments,"
        " version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)", [row + (now, now) for row in marks])
    for year, value in counters.items():
        db.execute("INSERT INTO record_number_counters (prefix, year, next_value) VALUES ('KQ', ?, ?)"
                   " ON CONFLICT (prefix, year) DO UPDATE SET next_value = MAX(next_value, excluded.next_value)", (year, value))
    db.commit()
    print(f"{len(people)} people: {len(clocks)} clock events, {len(leave)} leave requests, {len(marks)} marks")


if __name__ == "__main__":
    main()
