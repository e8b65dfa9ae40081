#!/usr/bin/env python3
"""Issue 18 §2: no lost updates. 50 concurrent editors of one record of each kind that has a
version, through the API.

For each kind, two races: (1) 50 editors send a change from the same version at once — exactly one
may succeed, every other answer must be 409; (2) 50 editors each read, change and write back in a loop
for a while — every success must show in the record's version (one step per success), the record
must hold the value of the last success, and every other answer must be 409. Any other status
(500, 503, 422 …) fails the run.

    python3 bench/lost_updates.py [--binary .build/release/kefu] [--postgres URL] [--seconds 5]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

PASSWORD = "kefu-demo-2026"
EDITORS = 50


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Kefu:
    def __init__(self, args):
        self.data = tempfile.mkdtemp(prefix="kefu-lost-updates-")
        self.port = free_port()
        env = dict(os.environ, KEFU_DATA_DIR=self.data, KEFU_DEMO_PASSWORD=PASSWORD, KEFU_LOG_LEVEL="warning",
                   KEFU_BCRYPT_COST="8", KEFU_SCHEDULER_INTERVAL_SECONDS="0")
        if args.postgres:
            env["KEFU_DATABASE_URL"] = args.postgres
        subprocess.run([args.binary, "demo"], env=env, check=True, capture_output=True)
        self.server = subprocess.Popen([args.binary, "serve", "--port", str(self.port)], env=env,
                                       stdout=open(os.path.join(self.data, "server.log"), "w"), stderr=subprocess.STDOUT)
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)

    def call(self, method, path, token=None, body=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method, headers=headers,
                                         data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            return error.code, (json.loads(text) if text.startswith("{") else text)

    def token(self, username):
        return self.call("POST", "/api/v1/auth/tokens", body={"username": username, "password": PASSWORD, "name": "lost-updates"})[1]["token"]

    def stop(self):
        self.server.send_signal(signal.SIGTERM)
        self.server.wait()
        shutil.rmtree(self.data, ignore_errors=True)


def race_same_version(kefu, target):
    """50 changes from one version at once: one 200, 49 × 409."""
    status, current = kefu.call("GET", target["read"], target["token"])
    version = target["version"](current)
    statuses, barrier, lock = [], threading.Barrier(EDITORS), threading.Lock()

    def edit(n):
        barrier.wait()
        status, _ = kefu.call(target["method"], target["write"], target["token"], target["body"](n, version, current))
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(EDITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ok = statuses.count(200)
    others = sorted({s for s in statuses if s not in (200, 409)})
    return ok == 1 and statuses.count(409) == EDITORS - 1, f"same version: {ok} × 200, {statuses.count(409)} × 409, other {others}"


def race_loops(kefu, target, seconds):
    """50 read-change-write loops: each success is one version step and the last one's value stays."""
    status, start = kefu.call("GET", target["read"], target["token"])
    first = target["version"](start)
    tally, successes, lock, deadline = {}, [], threading.Lock(), time.time() + seconds

    def loop(n):
        attempt = 0
        while time.time() < deadline:
            attempt += 1
            _, current = kefu.call("GET", target["read"], target["token"])
            version = target["version"](current)
            # Values apart from the first race's (editors 0–49): writing the value a record already holds is
            # answered 200 without a new version, which would count as a success without a step.
            value = 1_000_000 + n * 10000 + attempt
            status, answer = kefu.call(target["method"], target["write"], target["token"], target["body"](value, version, current))
            with lock:
                tally[status] = tally.get(status, 0) + 1
                if status == 200:
                    successes.append((target["version"](answer), value))

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(EDITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _, end = kefu.call("GET", target["read"], target["token"])
    last = max(successes)[1] if successes else None
    steps = target["version"](end) - first
    holds = target["holds"](end, last) if last is not None else True
    others = sorted(s for s in tally if s not in (200, 409))
    passed = steps == len(successes) and holds and not others and successes
    return passed, f"loops: {len(successes)} × 200 = {steps} version steps, {tally.get(409, 0)} × 409, other {others}, last value kept {holds}"


def targets(kefu):
    lina, supervisor = kefu.token("lina"), kefu.token("wangjing")
    _, customer = kefu.call("POST", "/api/v1/customers", lina, {"name": "并发编辑测试", "companyName": "并发编辑测试有限公司", "mobile": "17700009999", "source": "phone"})
    _, contract = kefu.call("POST", "/api/v1/contracts", lina, {"customerID": customer["id"], "type": "lease", "title": "并发编辑测试合同", "amountWan": "100"})
    _, projects = kefu.call("GET", "/api/v1/projects?perPage=1", supervisor)
    project = (projects["items"] if isinstance(projects, dict) else projects)[0]["id"]
    item = contract["checklist"][0]["id"]
    return {
        "customer": {"token": lina, "read": f"/api/v1/customers/{customer['id']}", "write": f"/api/v1/customers/{customer['id']}", "method": "PATCH",
                     "version": lambda r: r["version"], "body": lambda n, v, r: {"remarks": f"editor {n}", "version": v},
                     "holds": lambda r, n: r.get("remarks") == f"editor {n}"},
        "project": {"token": supervisor, "read": f"/api/v1/projects/{project}", "write": f"/api/v1/projects/{project}", "method": "PATCH",
                    "version": lambda r: r["version"], "body": lambda n, v, r: {"highlights": f"并发编辑 {n}", "version": v},
                    "holds": lambda r, n: r.get("highlights") == f"并发编辑 {n}"},
        "contract": {"token": lina, "read": f"/api/v1/contracts/{contract['id']}", "write": f"/api/v1/contracts/{contract['id']}", "method": "PATCH",
                     "version": lambda r: r["version"], "body": lambda n, v, r: {"title": f"并发编辑测试合同 {n}", "amountWan": "100", "version": v},
                     "holds": lambda r, n: r.get("title") == f"并发编辑测试合同 {n}"},
        "checklist item": {"token": lina, "read": f"/api/v1/contracts/{contract['id']}", "write": f"/api/v1/contracts/{contract['id']}/checklist/{item}",
                           "method": "PATCH",
                           "version": lambda r: next(i["version"] for i in r["checklist"] if i["id"] == item),
                           "body": lambda n, v, r: {"status": "rejected", "reason": f"不清晰 {n}", "version": v},
                           "holds": lambda r, n: next(i for i in r["checklist"] if i["id"] == item).get("reason") == f"不清晰 {n}"},
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/kefu")
    parser.add_argument("--postgres")
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    kefu = Kefu(args)
    failed = False
    try:
        for name, target in targets(kefu).items():
            for race in (lambda: race_same_version(kefu, target), lambda: race_loops(kefu, target, args.seconds)):
                passed, line = race()
                failed |= not passed
                print(f"{'ok  ' if passed else 'FAIL'} {name}: {line}", flush=True)
    finally:
        kefu.stop()
    print("FAIL" if failed else "PASS")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
