#!/usr/bin/env python3
"""Issue 18 §1: kill -9 during concurrent writes loses nothing that was acknowledged.

Each round starts Kefu, runs 8 writers that create customers, log communications and plan
follow-ups through the API as fast as they are answered, and kills the server with SIGKILL at a
random moment. Before the restart the database is checked (SQLite: `PRAGMA integrity_check` on the
file as the crash left it; PostgreSQL: the server keeps running, only Kefu is killed), then every
write the server answered 201 is looked up in the database. Missing must be 0.

    python3 bench/crash_rounds.py [--rounds 50] [--binary .build/release/kefu] [--postgres URL]

With --postgres, Kefu runs on that (empty or Kefu's own) database instead of the embedded SQLite.
Prints one line per round and PASS or FAIL with the totals; exits 1 on FAIL.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

PASSWORD = "kefu-demo-2026"
TABLES = {"customer": "customers", "communication": "communication_records", "follow_up": "follow_ups"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(args, data):
    env = dict(os.environ, KEFU_DATA_DIR=data, KEFU_DEMO_PASSWORD=PASSWORD, KEFU_LOG_LEVEL="warning",
               KEFU_BCRYPT_COST="8", KEFU_SCHEDULER_INTERVAL_SECONDS="0")
    if args.postgres:
        env["KEFU_DATABASE_URL"] = args.postgres
    return env


def start(args, data, port):
    log = open(os.path.join(data, "server.log"), "a")
    server = subprocess.Popen([args.binary, "serve", "--port", str(port)], env=environment(args, data), stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("server exited; see " + os.path.join(data, "server.log"))
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def call(port, method, path, auth=None, body=None):
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = "Bearer " + auth
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def writer(number, port, auth, customers, stop, tally, acknowledged, lock):
    """Creates customers, communications and follow-ups in turn over one kept-alive connection."""
    connection, sequence = None, 0
    while not stop.is_set():
        sequence += 1
        kind = ("customer", "communication", "follow_up")[sequence % 3]
        target = random.choice(customers)
        if kind == "customer":
            mobile = "19" + str(random.randrange(10**8, 10**9))
            path, body = "/api/v1/customers", {"name": f"压测客户{number}-{sequence}", "companyName": f"压测科技{number}-{sequence}有限公司",
                                               "mobile": mobile, "source": "phone", "duplicateReason": "crash test"}
        elif kind == "communication":
            path, body = f"/api/v1/customers/{target}/communications", {"channel": "phone", "direction": "inbound",
                                                                        "summary": f"crash {number}-{sequence}"}
        else:
            path, body = f"/api/v1/customers/{target}/follow-ups", {"dueAt": "2027-03-01T10:00", "channel": "phone",
                                                                    "purpose": f"crash {number}-{sequence}"}
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("POST", path, body=json.dumps(body),
                               headers={"Content-Type": "application/json", "Authorization": "Bearer " + auth})
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            # The server died: whatever was in flight was never acknowledged.
            with lock:
                tally["unanswered"] += 1
            if connection is not None:
                connection.close()
            connection = None
            time.sleep(0.05)
            continue
        with lock:
            tally[str(response.status)] = tally.get(str(response.status), 0) + 1
            if response.status == 201:
                acknowledged.append((kind, json.loads(payload)["id"]))


def present(args, data, acknowledged):
    """The acknowledged ids found in the database, per kind."""
    found = {}
    for kind, table in TABLES.items():
        ids = sorted({i for k, i in acknowledged if k == kind})
        if not ids:
            found[kind] = set()
            continue
        query = f"SELECT id FROM {table} WHERE id IN ({','.join(str(i) for i in ids)})"
        if args.postgres:
            output = subprocess.run(["psql", args.postgres, "-At", "-c", query], check=True, capture_output=True, text=True).stdout
            found[kind] = {int(line) for line in output.split()}
        else:
            with sqlite3.connect(os.path.join(data, "kefu.sqlite3")) as db:
                found[kind] = {row[0] for row in db.execute(query)}
    return found


def integrity(args, data):
    if args.postgres:
        return "ok (PostgreSQL server not killed)"
    with sqlite3.connect(os.path.join(data, "kefu.sqlite3")) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--binary", default=".build/release/kefu")
    parser.add_argument("--postgres")
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="kefu-crash-")
    port = free_port()
    subprocess.run([args.binary, "demo"], env=environment(args, data), check=True, capture_output=True)
    server = start(args, data, port)
    auth = call(port, "POST", "/api/v1/auth/tokens", body={"username": "lina", "password": PASSWORD, "name": "crash"})["token"]
    # Customers of lina's own, so that every follow-up and communication is hers to write.
    customers = [call(port, "POST", "/api/v1/customers", auth, {"name": f"崩溃测试{n}", "companyName": f"崩溃测试{n}号有限公司",
                                                                  "mobile": f"1770000{n:04}", "source": "phone"})["id"] for n in range(10)]
    server.send_signal(signal.SIGTERM)
    server.wait()
    totals = {"acknowledged": 0, "missing": 0, "unanswered": 0, "bad_integrity": 0}
    for number in range(1, args.rounds + 1):
        server = start(args, data, port)
        stop, lock = threading.Event(), threading.Lock()
        tally, acknowledged = {"unanswered": 0}, []
        threads = [threading.Thread(target=writer, args=(n, port, auth, customers, stop, tally, acknowledged, lock)) for n in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(random.uniform(0.3, 1.5))
        server.send_signal(signal.SIGKILL)
        server.wait()
        stop.set()
        for thread in threads:
            thread.join()
        check = integrity(args, data)
        found = present(args, data, acknowledged)
        missing = [(k, i) for k, i in acknowledged if i not in found[k]]
        statuses = {k: v for k, v in tally.items() if k != "unanswered"}
        print(f"round {number:2}: acknowledged {len(acknowledged):4} {statuses}, unanswered {tally['unanswered']}, "
              f"integrity {check}, missing {len(missing)}", flush=True)
        totals["acknowledged"] += len(acknowledged)
        totals["missing"] += len(missing)
        totals["unanswered"] += tally["unanswered"]
        totals["bad_integrity"] += 0 if check.startswith("ok") else 1
    shutil.rmtree(data, ignore_errors=True)
    passed = totals["missing"] == 0 and totals["bad_integrity"] == 0 and totals["acknowledged"] > 0
    print(("PASS" if passed else "FAIL") + f" {args.rounds} rounds of kill -9: {totals}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
