"""e2e fixtures: a real Streamlit server on a free port and Debian's headless Chromium.

With no browser the tests fail (they never skip): install it with
``apt-get install chromium`` (``make test`` and ``.ci/run`` do this for you).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from codesign.store import FileStore

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CODESIGN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SECRET = "e2e-facilitator-secret-0123456789"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"e2e tests need Chromium at {CHROMIUM} (CI={os.environ.get('CI', '')}). "
            "Install Debian's package: apt-get install chromium (make test does it when run as root)."
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app on a free localhost port with a fresh sessions folder; yields (base_url, store)."""
    root = tmp_path_factory.mktemp("sessions")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CODESIGN_SESSIONS_DIR": str(root),
        "CODESIGN_FACILITATOR_SECRET": SECRET,
        "CODESIGN_BASE_URL": base_url,
    }
    log = open(root / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "workshop_app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.close()
            raise RuntimeError("the app did not start:\n" + (root / "server.log").read_text(errors="replace"))
        time.sleep(0.3)
    yield base_url, FileStore(root)
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


@pytest.fixture
def tablet(browser, playwright, server):
    """A touch tablet (iPad Pro 11) that may only talk to the local server."""
    device = {k: v for k, v in playwright.devices["iPad Pro 11"].items() if k != "default_browser_type"}
    context = browser.new_context(**device)
    outside: list[str] = []

    def only_local(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", only_local)
    context.outside_requests = outside
    yield context
    context.close()
