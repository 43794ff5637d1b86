"""Several app processes behind HAProxy on localhost, for e2e tests and the proxy benchmark.

:func:`running_room` starts N app processes (``python -m streamlit run workshop_app.py``, the
command of :func:`codesign.cli.serve.streamlit_command`) sharing one store, and HAProxy with
``deploy/haproxy/codesign.cfg`` itself (its addresses given through the environment variables the
file reads), HTTPS with a self-signed certificate made by ``openssl``. Each process can be stopped
and started again by the test (a process that dies in the middle of a workshop).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import ssl
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from codesign.cli.serve import APP, streamlit_command
from tests.support.serve import free_port

__all__ = ["HAPROXY_CONFIG", "AppProcess", "Room", "running_room"]

ROOT = Path(__file__).resolve().parents[2]
HAPROXY_CONFIG = ROOT / "deploy" / "haproxy" / "codesign.cfg"


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    context = ssl._create_unverified_context()  # noqa: S323 - the test's own self-signed certificate
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2, context=context) as ok:
            if ok.status == 200:
                return
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)


def _stop_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(15)


@dataclass
class AppProcess:
    """One app process on its own localhost port (its cookie name in HAProxy: ``app1``, ``app2``, ...)."""

    name: str
    port: int
    env: Mapping[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> None:
        """Start the process and wait for its health check."""
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                streamlit_command(self.port, "127.0.0.1"),
                cwd=APP.parent,
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_healthy(f"http://127.0.0.1:{self.port}/_stcore/health", self.proc, self.log, timeout)

    def stop(self, sig: int = signal.SIGKILL) -> None:
        """Stop the process (by default as if it died: SIGKILL, no goodbye to its browsers)."""
        if self.proc is not None and self.proc.poll() is None:
            _stop_group(self.proc, sig)

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.proc is not None and self.proc.poll() is None


@dataclass
class Room:
    """The one address (HAProxy, HTTPS) and the app processes behind it."""

    url: str
    http_url: str
    apps: list[AppProcess]
    certificate: Path
    haproxy_log: Path
    extra: dict[str, object] = field(default_factory=dict)

    def app(self, name: str) -> AppProcess:
        """The app process with that cookie name.

        Parameters
        ----------
        name
            ``app1``, ``app2``, ...
        """
        return next(a for a in self.apps if a.name == name)


def self_signed_pem(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost: (certificate, certificate and key in one PEM for HAProxy)."""
    cert, key = folder / "proxy.crt", folder / "proxy.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", str(key)]
        + ["-out", str(cert), "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    pem = folder / "proxy.pem"
    pem.write_bytes(cert.read_bytes() + key.read_bytes())
    pem.chmod(0o600)
    return cert, pem


@contextlib.contextmanager
def running_room(env: Mapping[str, str], folder: Path, processes: int = 2) -> Iterator[Room]:
    """N app processes sharing ``env`` (the store, the secret) behind HAProxy; everything stopped on exit.

    The config is ``deploy/haproxy/codesign.cfg`` as shipped, with more ``server`` lines when
    ``processes`` > 2. Links the app prints use the proxy's https:// address.
    """
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        raise RuntimeError("HAProxy is missing: apt-get install haproxy (.ci/run does)")
    cert, pem = self_signed_pem(folder)
    http_port, https_port = free_port(), free_port()
    url = f"https://localhost:{https_port}"
    shared = {
        **env,
        "CODESIGN_BASE_URL": url,
        "STREAMLIT_SERVER_COOKIE_SECRET": "proxy-test-cookie-secret-0123456789",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
    }
    apps = [AppProcess(f"app{i}", free_port(), shared, folder / f"app{i}.log") for i in range(1, processes + 1)]
    config = HAPROXY_CONFIG.read_text()
    for app in apps[2:]:  # the shipped file names two; more are one line each, as its comment says
        line = f"    server {app.name} 127.0.0.1:{app.port} cookie {app.name}\n"
        config = config.replace("    # more processes:", line + "    # more processes:")
    config_path = folder / "haproxy.cfg"
    config_path.write_text(config.replace("log /dev/log local0", "log stderr format short local0 notice"))
    proxy_env = {
        **os.environ,
        "CODESIGN_HTTP_BIND": f"127.0.0.1:{http_port}",
        "CODESIGN_HTTPS_BIND": f"127.0.0.1:{https_port}",
        "CODESIGN_TLS_PEM": str(pem),
        **{f"CODESIGN_APP{i}": f"127.0.0.1:{a.port}" for i, a in enumerate(apps[:2], start=1)},
    }
    haproxy_log = folder / "haproxy.log"
    proxy: subprocess.Popen[bytes] | None = None
    try:
        for app in apps:
            app.start()
        with open(haproxy_log, "wb") as out:
            proxy = subprocess.Popen(
                [haproxy, "-db", "-f", str(config_path)],
                env=proxy_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_healthy(f"{url}/_stcore/health", proxy, haproxy_log, 30)
        yield Room(url, f"http://127.0.0.1:{http_port}", apps, cert, haproxy_log)
    finally:
        if proxy is not None:
            _stop_group(proxy)
        for app in apps:
            app.stop(signal.SIGTERM)
