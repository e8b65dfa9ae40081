#!/usr/bin/env python3
"""Issue 18 §7: a backup taken under write load holds everything acknowledged before it began.

Each round runs the 8 writers of crash_rounds.py (customers, communications, follow-ups through the
API), notes every write answered 201 so far, then takes a backup while the writers go on:
- SQLite: `kefu backup FILE` (VACUUM INTO) beside the running server; the copy must pass
  `PRAGMA integrity_check`.
- PostgreSQL (--postgres URL of an empty database): `pg_dump --format=custom`, restored with
  `pg_restore` into a new database (URL's name + `_restored`, created and dropped by the script).
Then every write acknowledged before the backup began is looked up in the copy (missing must be 0),
and the restore drill of docs/operations.md is done on the last copy: Kefu started on it answers
/readyz and serves a file acknowledged before the backup.

    python3 bench/backup_rounds.py [--rounds 5] [--binary .build-release/release/kefu] [--postgres URL]

Prints one line per round and PASS or FAIL with the totals; exits 1 on FAIL.
"""
import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crash_rounds import PASSWORD, call, environment, free_port, present, start, writer  # noqa: E402


def with_database(url, name):
    return url.rsplit("/", 1)[0] + "/" + name


def backup(args, data, round_number, restored, copied):
    """Takes the backup while the writers run (calling `copied` once the copy is taken); returns (seconds,
    integrity, where the copy can be read)."""
    started = time.time()
    if args.postgres:
        dump = os.path.join(data, f"kefu-{round_number}.dump")
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", args.postgres], check=True)
        seconds = time.time() - started
        copied()
        subprocess.run(["dropdb", "--if-exists", "--maintenance-db", with_database(args.postgres, "postgres"), restored], check=True)
        subprocess.run(["createdb", "--maintenance-db", with_database(args.postgres, "postgres"), restored], check=True)
        result = subprocess.run(["pg_restore", "--no-owner", f"--dbname={with_database(args.postgres, restored)}", dump],
                                capture_output=True, text=True)
        return seconds, "ok" if result.returncode == 0 else "pg_restore: " + result.stderr.strip()[:200], None
    copy_dir = os.path.join(data, f"restore-{round_number}")
    os.makedirs(copy_dir)
    copy = os.path.join(copy_dir, "kefu.sqlite3")
    subprocess.run([args.binary, "backup", copy], env=environment(args, data), check=True, capture_output=True)
    seconds = time.time() - started
    copied()
    with sqlite3.connect(copy) as db:
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
    return seconds, check, copy_dir


def restore_drill(args, copy_dir, restored, customer):
    """Kefu on the restored copy: ready, and a file acknowledged before the backup is served."""
    drill = argparse.Namespace(**vars(args))
    if args.postgres:
        drill.postgres = with_database(args.postgres, restored)
    data = copy_dir or tempfile.mkdtemp(prefix="kefu-restore-")
    port = free_port()
    server = start(drill, data, port)
    try:
        auth = call(port, "POST", "/api/v1/auth/tokens", body={"username": "lina", "password": PASSWORD, "name": "restore"})["token"]
        served = call(port, "GET", f"/api/v1/customers/{customer}", auth)["id"] == customer
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
    return served


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--binary", default=".build-release/release/kefu")
    parser.add_argument("--postgres")
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="kefu-backup-")
    restored = (args.postgres.rsplit("/", 1)[1] + "_restored") if args.postgres else None
    port = free_port()
    subprocess.run([args.binary, "demo"], env=environment(args, data), check=True, capture_output=True)
    server = start(args, data, port)
    auth = call(port, "POST", "/api/v1/auth/tokens", body={"username": "lina", "password": PASSWORD, "name": "backup"})["token"]
    customers = [call(port, "POST", "/api/v1/customers", auth, {"name": f"备份测试{n}", "companyName": f"备份测试{n}号有限公司",
                                                                  "mobile": f"1780000{n:04}", "source": "phone",
                                                                  "duplicateReason": "backup test"})["id"] for n in range(10)]
    stop, lock = threading.Event(), threading.Lock()
    tally, acknowledged = {"unanswered": 0}, []
    threads = [threading.Thread(target=writer, args=(n, port, auth, customers, stop, tally, acknowledged, lock)) for n in range(8)]
    for thread in threads:
        thread.start()
    totals = {"acknowledged_before": 0, "missing": 0, "bad_integrity": 0}
    copy_dir, last_customer = None, customers[0]
    try:
        for number in range(1, args.rounds + 1):
            time.sleep(1.0)
            with lock:
                before = list(acknowledged)
            during = []

            def copied():
                with lock:
                    during.append(len(acknowledged) - len(before))
            seconds, check, copy_dir = backup(args, data, number, restored, copied)
            reader = argparse.Namespace(**vars(args))
            if args.postgres:
                reader.postgres = with_database(args.postgres, restored)
            found = present(reader, copy_dir, before)
            missing = [(k, i) for k, i in before if i not in found[k]]
            customers_before = [i for k, i in before if k == "customer"]
            last_customer = customers_before[-1] if customers_before else last_customer
            print(f"round {number}: acknowledged before the backup {len(before):5}, during it {during[0]:4}, backup {seconds:.2f} s, "
                  f"integrity {check}, missing {len(missing)}", flush=True)
            totals["acknowledged_before"] += len(before)
            totals["missing"] += len(missing)
            totals["bad_integrity"] += 0 if check == "ok" else 1
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        server.send_signal(signal.SIGTERM)
        server.wait()
    statuses = {k: v for k, v in tally.items() if k != "unanswered"}
    served = restore_drill(args, copy_dir, restored, last_customer)
    print(f"restore drill: Kefu on the last copy is ready and serves customer {last_customer} (acknowledged before the backup): {served}")
    if args.postgres:
        subprocess.run(["dropdb", "--if-exists", "--maintenance-db", with_database(args.postgres, "postgres"), restored], check=True)
    shutil.rmtree(data, ignore_errors=True)
    passed = totals["missing"] == 0 and totals["bad_integrity"] == 0 and totals["acknowledged_before"] > 0 and served \
        and set(statuses) == {"201"}
    print(("PASS" if passed else "FAIL") + f" {args.rounds} backups under 8 writers ({statuses} answers): {totals}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
