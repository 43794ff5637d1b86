"""e2e fixtures: a real Streamlit server on a free port and Debian's headless Chromium.

With no browser the tests fail (they never skip): install it with
``apt-get install chromium`` (``make test`` and ``.ci/run`` do this for you).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from codesign.storage.files import FileStore
from tests.support.serve import CHROMIUM_ARGS, running_app

CHROMIUM = os.environ.get("CODESIGN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SECRET = "e2e-facilitator-secret-0123456789"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"e2e tests need Chromium at {CHROMIUM} (CI={os.environ.get('CI', '')}). "
            "Install Debian's package: apt-get install chromium (make test does it when run as root)."
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app on a free localhost port with a fresh sessions folder; yields (base_url, store)."""
    root = tmp_path_factory.mktemp("sessions")
    env = {"CODESIGN_SESSIONS_DIR": str(root), "CODESIGN_FACILITATOR_SECRET": SECRET}
    with running_app(env, log_path=root / "server.log") as base_url:
        yield base_url, FileStore(root)


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
