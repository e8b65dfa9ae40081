#!/usr/bin/env python3
"""Issue 18 §6: several Kefu instances on one PostgreSQL database behind nginx.

Starts 3 × `kefu serve --no-migrate` on the database of --postgres (empty or Kefu's own: it is migrated
and given the demo data once) and Debian's nginx with its own configuration in a temporary directory
(round robin; it connects to Kefu from 127.0.0.2, the only address in KEFU_TRUSTED_PROXIES, and appends
the client's address to X-Forwarded-For). Then checks, each PASS or FAIL:
- an API token made through the proxy works on every instance, directly;
- a browser session signed in through the proxy opens a page on every instance, directly;
- the sign-in throttle: 10 wrong passwords for one account through the proxy (spread over the
  instances) lock it on every instance, while another account still signs in;
- the public form's per-address limit (KEFU_PUBLIC_FORM_LIMIT, 5 in ten minutes) holds across the
  instances although each request claims another address in its own X-Forwarded-For: the client's
  entries left of the proxy's are not believed.
- the audit log records the client's address (the proxy's appended entry), not the proxy's nor the claim;
- scheduled jobs: every instance polls each second; every job is made due at once, ten times, 3 s
  apart; each job's run count must grow by exactly ten, and no notification is duplicated.

    python3 bench/instances.py --postgres postgres://postgres@127.0.0.1:55432/kefu_instances \
        [--binary .build-release/release/kefu] [--port 8650]

Needs nginx (`apt-get install -y nginx-light`); the system's nginx service is not used. Exits 1 on FAIL.
"""
import argparse
import http.cookiejar
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crash_rounds import PASSWORD, environment, free_port  # noqa: E402

NGINX = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream kefu {{ {servers} }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://kefu;
            proxy_bind 127.0.0.2;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""

results = []


def check(label, passed, detail=""):
    results.append(passed)
    print(f"{'PASS' if passed else 'FAIL'} {label}{': ' + detail if detail else ''}", flush=True)


def request(url, method="GET", body=None, headers=None, opener=None):
    """(status, parsed JSON or text) of one request, errors included."""
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    req = urllib.request.Request(url, method=method, data=data, headers=dict({"Content-Type": "application/json"}, **(headers or {})))
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=30) as response:
            text = response.read().decode()
            status, final = response.status, response.geturl()
    except urllib.error.HTTPError as error:
        text, status, final = error.read().decode(), error.code, url
    try:
        return status, json.loads(text), final
    except ValueError:
        return status, text, final


def psql(url, query):
    return subprocess.run(["psql", url, "-At", "-F", "|", "-c", query], check=True, capture_output=True, text=True).stdout.split()


def wait_ready(url, process):
    for _ in range(600):
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=1):
                return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{url} exited")
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--binary", default=".build-release/release/kefu")
    parser.add_argument("--port", type=int, default=8650)
    parser.add_argument("--instances", type=int, default=3)
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="kefu-instances-")
    # Every instance polls the scheduler each second, as several would in production.
    env = dict(environment(args, data), KEFU_TRUSTED_PROXIES="127.0.0.2", KEFU_SCHEDULER_INTERVAL_SECONDS="1")
    subprocess.run([args.binary, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([args.binary, "demo"], env=env, capture_output=True)  # refuses, harmlessly, when the people exist
    processes, direct = [], []
    try:
        for number in range(args.instances):
            port = free_port()
            log = open(os.path.join(data, f"kefu-{number}.log"), "w")
            processes.append(subprocess.Popen([args.binary, "serve", "--no-migrate", "--port", str(port)], env=env,
                                              stdout=log, stderr=subprocess.STDOUT))
            direct.append(f"http://127.0.0.1:{port}")
        for url, process in zip(direct, processes):
            wait_ready(url, process)
        servers = " ".join(f"server {url[len('http://'):]};" for url in direct)
        with open(os.path.join(data, "nginx.conf"), "w") as conf:
            conf.write(NGINX.format(dir=data, servers=servers, port=args.port))
        nginx = subprocess.Popen(["nginx", "-p", data, "-c", os.path.join(data, "nginx.conf")], stderr=subprocess.STDOUT,
                                 stdout=open(os.path.join(data, "nginx.out"), "w"))
        processes.append(nginx)
        proxy = f"http://127.0.0.1:{args.port}"
        wait_ready(proxy, nginx)

        # Tokens: made through the proxy, used on each instance directly.
        status, body, _ = request(proxy + "/api/v1/auth/tokens", "POST", {"username": "lina", "password": PASSWORD, "name": "instances"})
        token = body["token"] if status == 201 or status == 200 else None
        answers = [request(url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})[0] for url in direct * 2]
        check(f"an API token made through the proxy works on all {args.instances} instances", token is not None and set(answers) == {200}, str(answers))

        # A browser session: signed in through the proxy, served by each instance.
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        request(proxy + "/login", opener=browser)
        csrf = next(c.value for c in jar if c.name.endswith("kefu_csrf"))
        form = urllib.parse.urlencode({"username": "wangjing", "password": PASSWORD, "_csrf": csrf}).encode()
        request(proxy + "/login", "POST", form, {"Content-Type": "application/x-www-form-urlencoded"}, browser)
        pages = [request(url + "/customers", opener=browser) for url in direct]
        served = [(status, final.endswith("/customers")) for status, _, final in pages]
        check(f"a session signed in through the proxy opens /customers on all {args.instances} instances", all(s == 200 and ok for s, ok in served), str(served))

        # The sign-in throttle: the failures counted together, whichever instance saw them.
        wrong = [request(proxy + "/api/v1/auth/tokens", "POST", {"username": "zhangwei", "password": "wrong-password-1", "name": "x"})[0]
                 for _ in range(10)]
        after = [request(url + "/api/v1/auth/tokens", "POST", {"username": "zhangwei", "password": PASSWORD, "name": "x"})[0] for url in direct]
        other = request(proxy + "/api/v1/auth/tokens", "POST", {"username": "lina", "password": PASSWORD, "name": "x"})[0]
        check("10 failed sign-ins through the proxy lock the account on every instance; another account still signs in",
              set(wrong) == {401} and all(s not in (200, 201) for s in after) and other in (200, 201),
              f"failures {wrong}, then the right password on each instance {after}, another account {other}")

        # The public form's per-address limit, with a different address claimed in every request.
        statuses = []
        for number in range(8):
            body = {"name": f"访客{number}", "mobile": f"1390000{number:04}", "company": "苏州恒达精密机械有限公司", "intent": "manufacturing",
                    "question": "想了解园区的厂房租金", "consent": "true"}
            statuses.append(request(proxy + "/api/v1/public/inquiries", "POST", body, {"X-Forwarded-For": f"203.0.113.{number + 1}"})[0])
        check("the public form admits 5 per address across the instances, whatever X-Forwarded-For the client writes",
              statuses == [201] * 5 + [429] * 3, str(statuses))
        addresses = psql(args.postgres, "SELECT DISTINCT address FROM audit_entries WHERE action = 'auth.sign_in_failed'")
        check("the audit log has the client's address from the proxy's X-Forwarded-For (not the proxy's, not the client's claim)",
              addresses == ["127.0.0.1"], str(addresses))

        # Scheduled jobs: make every job due at once, ten times; each must run once per time, on one instance.
        before = dict(line.split("|") for line in psql(args.postgres, "SELECT name, run_count FROM scheduled_jobs"))
        rounds = 10
        for _ in range(rounds):
            psql(args.postgres, "UPDATE scheduled_jobs SET next_run_at = now() - interval '1 second'")
            time.sleep(3)
        after = dict(line.split("|") for line in psql(args.postgres, "SELECT name, run_count FROM scheduled_jobs"))
        runs = {name: int(count) - int(before.get(name, 0)) for name, count in after.items()}
        duplicates = psql(args.postgres, "SELECT count(*) FROM (SELECT 1 FROM notifications GROUP BY dedupe_key, staff_id HAVING count(*) > 1) AS d")
        check(f"every scheduled job ran exactly once per due time over {rounds} scans of {args.instances} instances, no duplicate notification",
              bool(runs) and set(runs.values()) == {rounds} and duplicates == ["0"], f"runs {runs}, duplicated notifications {duplicates[0]}")
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    shutil.rmtree(data, ignore_errors=True)
    passed = all(results) and len(results) == 6
    print(("PASS" if passed else "FAIL") + f" {args.instances} instances on PostgreSQL behind nginx: {sum(results)} of 6 checks")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
