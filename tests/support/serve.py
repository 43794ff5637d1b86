"""The workshop app as a process for e2e tests and benchmarks, and Chromium's flags here.

``running_app`` starts ``python -m streamlit run workshop_app.py`` (the command of
:func:`codesign.cli.serve.streamlit_command`) on a free port and waits for its health check.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

from codesign.cli.serve import APP, streamlit_command

__all__ = ["CHROMIUM_ARGS", "free_port", "running_app"]

#: Flags for Debian's headless Chromium in tests and benchmarks (no network chatter, no sandbox as root).
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


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(
    env: Mapping[str, str],
    log_path: Path | None = None,
    timeout: float = 60,
    *,
    ssl_cert: str | os.PathLike[str] | None = None,
    ssl_key: str | os.PathLike[str] | None = None,
) -> Iterator[str]:
    """Run the app on a free localhost port with extra ``env``; yields its base URL.

    With ``ssl_cert`` and ``ssl_key`` it serves HTTPS (the health check trusts that certificate).
    Unless ``env`` sets ``CODESIGN_BASE_URL``, the links the app prints use the URL it runs at.
    Waits for ``/_stcore/health``; stops the whole process group on exit.
    """
    port = free_port()
    base_url = f"{'https' if ssl_cert else 'http'}://127.0.0.1:{port}"
    context = ssl.create_default_context(cafile=str(ssl_cert)) if ssl_cert else None
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        streamlit_command(port, "127.0.0.1", ssl_cert=ssl_cert, ssl_key=ssl_key),
        cwd=APP.parent,
        env={**os.environ, "CODESIGN_BASE_URL": base_url, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2, context=context) as ok,
            ):
                if ok.status == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                shown = log_path.read_text(errors="replace") if log_path else ""
                raise RuntimeError(f"the app did not start on {base_url}\n{shown}")
            time.sleep(0.3)
        yield base_url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        if log_path:
            log.close()
