#!/usr/bin/env python3
"""Issue 17 §6: SIGTERM never resets a request a client has already sent.

Each round starts Kefu on a fresh copy of the demo database, runs 8 clients that post communications
over kept-alive connections as fast as the server answers, sends SIGTERM at a random moment and waits
for the process to exit. A client whose connection is refused or closed *before* it sent anything
retries nothing and counts it as "refused" (safe: nothing was sent); a request that was sent and then
met a reset or a close without an answer counts as "reset" (the client cannot know whether it was
acted on) — the figure that must be 0. Every acknowledged write is then looked up after a restart.

    python3 bench/sigterm_rounds.py [rounds=16] [binary=.build/debug/kefu]
"""
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 16
BINARY = sys.argv[2] if len(sys.argv) > 2 else ".build/debug/kefu"
PASSWORD = "kefu-demo-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data, port):
    env = dict(os.environ, KEFU_DATA_DIR=data, KEFU_DEMO_PASSWORD=PASSWORD, KEFU_LOG_LEVEL="warning",
               KEFU_BCRYPT_COST="8", KEFU_SCHEDULER_INTERVAL_SECONDS="0")
    log = open(os.path.join(data, "server.log"), "a")
    server = subprocess.Popen([BINARY, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def token(port):
    body = json.dumps({"username": "lina", "password": PASSWORD, "name": "sigterm"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/tokens", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["token"]


def client(port, auth, customer, stop, tally, acknowledged, lock):
    connection = None
    while not stop.is_set():
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.connect()
            except OSError:
                with lock:
                    tally["refused"] += 1
                connection = None
                time.sleep(0.05)
                continue
        body = json.dumps({"channel": "phone", "direction": "inbound", "summary": f"sigterm {random.random():.12f}"})
        try:
            connection.request("POST", f"/api/v1/customers/{customer}/communications", body=body,
                               headers={"Content-Type": "application/json", "Authorization": "Bearer " + auth})
        except OSError:
            # Nothing reached the server: the connection was already closed when we wrote.
            with lock:
                tally["refused"] += 1
            connection.close()
            connection = None
            continue
        try:
            response = connection.getresponse()
            payload = response.read()
        except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError) as error:
            with lock:
                tally["reset"] += 1
                tally.setdefault("reset_kinds", set()).add(type(error).__name__)
            connection.close()
            connection = None
            continue
        with lock:
            tally[str(response.status)] = tally.get(str(response.status), 0) + 1
            if response.status == 201:
                acknowledged.append(json.loads(payload)["id"])
        if response.getheader("Connection", "").lower().startswith("close"):
            connection.close()
            connection = None


def main():
    seed = tempfile.mkdtemp(prefix="kefu-sigterm-seed-")
    port = free_port()
    env = dict(os.environ, KEFU_DATA_DIR=seed, KEFU_DEMO_PASSWORD=PASSWORD, KEFU_LOG_LEVEL="warning")
    subprocess.run([BINARY, "demo"], env=env, check=False, capture_output=True)
    server = start(seed, port)
    subprocess.run(["true"])
    auth = token(port)
    with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/customers?perPage=1&scope=mine",
                                                       headers={"Authorization": "Bearer " + auth})) as response:
        customer = json.load(response)["items"][0]["id"]
    server.send_signal(signal.SIGTERM)
    server.wait()
    totals = {"refused": 0, "reset": 0, "acknowledged": 0, "missing": 0}
    for round_number in range(1, ROUNDS + 1):
        server = start(seed, port)
        stop, lock = threading.Event(), threading.Lock()
        tally, acknowledged = {"refused": 0, "reset": 0}, []
        threads = [threading.Thread(target=client, args=(port, auth, customer, stop, tally, acknowledged, lock)) for _ in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(random.uniform(0.5, 1.5))
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
        stop.set()
        for thread in threads:
            thread.join()
        # Every acknowledged write is there after a restart.
        server = start(seed, port)
        found = set()
        page = 1
        while True:
            url = f"http://127.0.0.1:{port}/api/v1/customers/{customer}/communications?perPage=100&page={page}"
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": "Bearer " + auth})) as response:
                items = json.load(response)["items"]
            found.update(item["id"] for item in items)
            if len(items) < 100:
                break
            page += 1
        server.send_signal(signal.SIGTERM)
        server.wait()
        missing = [i for i in acknowledged if i not in found]
        print(f"round {round_number:2}: exit {code}, acknowledged {len(acknowledged)}, reset {tally['reset']} "
              f"{sorted(tally.get('reset_kinds', []))}, refused before sending {tally['refused']}, missing {len(missing)}")
        totals["refused"] += tally["refused"]
        totals["reset"] += tally["reset"]
        totals["acknowledged"] += len(acknowledged)
        totals["missing"] += len(missing)
    print(f"{ROUNDS} rounds: {totals}")
    shutil.rmtree(seed, ignore_errors=True)
    sys.exit(1 if totals["reset"] or totals["missing"] else 0)


if __name__ == "__main__":
    main()
