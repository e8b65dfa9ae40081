"""No input produces a 500 (issue 2, bad input): schemathesis generates requests for every operation of
the served OpenAPI document — valid, invalid and chained — and checks that none gets a server error."""
import json
import shutil
import subprocess
import sys
import urllib.request

from conftest import ADMIN_PASSWORD


def admin_token(base_url):
    body = json.dumps({"username": "admin", "password": ADMIN_PASSWORD, "name": "schemathesis"}).encode()
    request = urllib.request.Request(base_url + "/api/v1/auth/tokens", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["token"]


def test_no_request_produces_a_server_error(fuzz_url):
    st = shutil.which("st") or shutil.which("schemathesis")
    command = [st] if st else [sys.executable, "-m", "schemathesis.cli"]
    result = subprocess.run(
        command + ["run", fuzz_url + "/api/v1/openapi.json",
                   "-H", "Authorization: Bearer " + admin_token(fuzz_url),
                   # Enough cases to find what a fault pass found (issue 17: page=Int.max stopped the
                   # server within 10,000 cases): 120 per operation over ~100 operations, valid and invalid.
                   "--checks", "not_a_server_error", "--max-examples", "120", "--seed", "20261202",
                   "--no-color"],
        capture_output=True, text=True, timeout=2400)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert " passed" in output
