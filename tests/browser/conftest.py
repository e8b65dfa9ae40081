"""Starts Kefu on a fresh embedded database with the demo department, and a headless Chromium.

The server is the debug build (`swift build` first); KEFU_BINARY overrides the path.
"""
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "kefu-demo-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ADMIN_PASSWORD = "admin-password-2026"


@pytest.fixture(scope="session")
def base_url():
    yield from run_server()


@pytest.fixture(scope="session")
def fuzz_url():
    """A server of its own for the API fuzzer, whose stateful phase deactivates and renames at will."""
    yield from run_server()


def run_server():
    binary = os.environ.get("KEFU_BINARY", str(ROOT / ".build" / "debug" / "kefu"))
    data = tempfile.mkdtemp(prefix="kefu-browser-")
    port = free_port()
    env = dict(os.environ, KEFU_DATA_DIR=data, KEFU_DEMO_PASSWORD=DEMO_PASSWORD,
               KEFU_ADMIN_PASSWORD=ADMIN_PASSWORD, KEFU_BCRYPT_COST="8", KEFU_DRAIN_SECONDS="0")
    log = open(os.path.join(data, "server.log"), "w")
    server = subprocess.Popen([binary, "serve", "--demo", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.time() > deadline:
            log.flush()
            raise RuntimeError("Kefu did not start:\n" + open(os.path.join(data, "server.log")).read())
        time.sleep(0.2)
    yield url
    server.terminate()
    try:
        server.wait(timeout=20)
    finally:
        log.close()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.implicitly_wait(3)
    yield driver
    driver.quit()
