"""Fixtures of the browser tests: a real `ackbot serve` on a loopback port (its LINE API a Python
stand-in), and Debian's Chromium driven through Debian's chromedriver. Nothing is downloaded:
Selenium gets both paths and SE_OFFLINE=true.

Run by `make browser-test` (part of `make test`), after `cargo build --bin ackbot`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

# Selenium Manager must never fetch a browser or a driver.
os.environ["SE_OFFLINE"] = "true"

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from line_fake import LineFake  # noqa: E402

REPO = HERE.parents[1]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
if not TARGET.is_absolute():
    TARGET = REPO / TARGET
ACKBOT = TARGET / "debug" / "ackbot"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTH, HEIGHT = 1280, 800

# Inherited variables that would change what the server does, or route loopback through a proxy.
DROPPED_PREFIXES = ("ACKBOT_", "SLACK_", "LINE_", "AWS_")
DROPPED = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def http() -> requests.Session:
    """A requests session that ignores proxy variables (everything here is on loopback)."""
    session = requests.Session()
    session.trust_env = False
    return session


@dataclass
class Server:
    """A running `ackbot serve` and what it was configured with."""

    url: str
    env: dict
    proc: subprocess.Popen
    stderr_path: Path
    secrets: dict = field(default_factory=dict)
    # The inspector's address with its fresh token, as `serve` printed it on standard output.
    login: str = ""

    @property
    def page(self) -> str:
        return self.url + "/_ackbot/"

    @property
    def token(self) -> str:
        return self.login.split("?token=", 1)[1]

    def session(self) -> requests.Session:
        """A session that holds the inspector's token, as a script would."""
        session = http()
        session.headers["Authorization"] = f"Bearer {self.token}"
        return session

    def stderr(self, tail: int = 8000) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def run_ackbot(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
        """Runs the same binary with the server's environment (e.g. `ackbot send`)."""
        return subprocess.run(
            [str(ACKBOT), *args],
            env=self.env,
            cwd=self.stderr_path.parent,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def line_fake():
    fake = LineFake().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def server(line_fake, tmp_path_factory):
    if not ACKBOT.is_file():
        pytest.fail(f"build the binary first (cargo build --bin ackbot): {ACKBOT} is missing")
    # A folder of its own, so no developer's .env is loaded.
    home = tmp_path_factory.mktemp("ackbot-serve")
    values = {
        "SLACK_SIGNING_SECRET": secrets.token_hex(16),
        "SLACK_BOT_TOKEN": "xoxb-" + "-".join(str(secrets.randbelow(10**12)) for _ in range(2))
        + "-" + secrets.token_hex(12),
        "LINE_CHANNEL_SECRET": secrets.token_hex(16),
        "LINE_CHANNEL_ACCESS_TOKEN": secrets.token_urlsafe(48),
    }
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(DROPPED_PREFIXES) and k.lower() not in DROPPED
    }
    env.update(values)
    env.update(
        {
            "SLACK_API_URL": "http://127.0.0.1:9/api",
            "LINE_API_URL": line_fake.url,
            "ACKBOT_LOG_FORMAT": "json",
        }
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    stderr_path = home / "serve.stderr"
    with open(stderr_path, "wb") as err, open(home / "serve.stdout", "wb") as out:
        proc = subprocess.Popen(
            [str(ACKBOT), "serve", "--addr", f"127.0.0.1:{port}"],
            env=env,
            cwd=home,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
    running = Server(url=url, env=env, proc=proc, stderr_path=stderr_path, secrets=values)
    session = http()
    deadline = time.monotonic() + 20
    while True:
        if proc.poll() is not None:
            pytest.fail(f"ackbot serve exited {proc.returncode}:\n{running.stderr()}")
        printed = (home / "serve.stdout").read_text(errors="replace").splitlines()
        login = next((line[len("inspector: "):] for line in printed if line.startswith("inspector: ")), "")
        try:
            if login and session.get(url + "/healthz", timeout=1).json().get("status") == "ok":
                running.login = login
                break
        except (requests.RequestException, ValueError):
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"ackbot serve did not answer /healthz in 20 s:\n{running.stderr()}")
        time.sleep(0.1)
    yield running
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report carries the end of the server's stderr."""
    outcome = yield
    report = outcome.get_result()
    running = getattr(item, "funcargs", {}).get("server")
    if report.failed and isinstance(running, Server):
        report.sections.append(("ackbot serve stderr (end)", running.stderr()))


@pytest.fixture(scope="session")
def driver():
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not os.access(tool, os.X_OK):
            pytest.fail(f"{tool} is missing: run `bash tests/browser/install-chromium.sh` as root")
    profile = tempfile.mkdtemp(prefix="ackbot-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--window-size={WIDTH},{HEIGHT}",
    ):
        options.add_argument(arg)
    # The console (script errors, CSP violations) for the tests to read.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        # The viewport, not the window, is 1280×800 (the window adds its frame).
        chrome.set_window_size(WIDTH, HEIGHT)
        inner = chrome.execute_script("return [window.innerWidth, window.innerHeight]")
        chrome.set_window_size(2 * WIDTH - inner[0], 2 * HEIGHT - inner[1])
        chrome.set_page_load_timeout(15)
        yield chrome
    finally:
        chrome.quit()
        shutil.rmtree(profile, ignore_errors=True)
