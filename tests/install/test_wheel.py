"""The wheel, installed like a user would: built from the clone, installed into a fresh venv outside it.

The venv gets the wheel and its dependencies at the versions ``requirements.txt`` pins, from a
wheelhouse (``CODESIGN_WHEELHOUSE``, default ``~/.cache/codesign-wheelhouse``) that ``pip download``
fills from the package registry the first time; the install itself runs with ``--no-index``. Every
command runs in a folder outside the repository with a fresh ``HOME``, no ``PYTHONPATH`` and no
``CODESIGN_*`` variable, so nothing of the clone can be found by accident. About a minute here.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.serve import free_port

pytestmark = pytest.mark.install
ROOT = Path(__file__).resolve().parents[2]


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{command} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the wheel installed; yields (its bin folder, a working folder, the environment)."""
    work = tmp_path_factory.mktemp("installed")
    assert not work.resolve().is_relative_to(ROOT)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODESIGN_", "XDG_")) and k != "PYTHONPATH"}
    wheelhouse = Path(os.environ.get("CODESIGN_WHEELHOUSE") or Path.home() / ".cache" / "codesign-wheelhouse")
    pip = [sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(ROOT)], work, env)
    _run([*pip, "download", "-q", "-r", str(ROOT / "requirements.txt"), "-d", str(wheelhouse)], work, env)
    constraints = work / "constraints.txt"  # pip takes no extras in constraints: psycopg[binary] -> psycopg
    constraints.write_text(re.sub(r"\[[a-z,]+\]", "", (ROOT / "requirements.txt").read_text()))
    _run([sys.executable, "-m", "venv", str(work / "venv")], work, env)
    wheel = next((work / "dist").glob("tugan_qala_codesign-*.whl"))
    venv_pip = [str(work / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index"]
    _run([*venv_pip, "--find-links", str(wheelhouse), "-c", str(constraints), str(wheel)], work, env)
    home = work / "home"
    (work / "elsewhere").mkdir()
    home.mkdir()
    yield work / "venv" / "bin", work / "elsewhere", {**env, "HOME": str(home)}
    shutil.rmtree(work / "venv", ignore_errors=True)  # about 800 MB: pytest keeps its last three temp folders


def test_the_package_comes_from_the_venv_not_the_clone(installed):
    bin_dir, elsewhere, env = installed
    code = "import codesign.config as c; print(c.__file__, c.INSTALLED)"
    path, flag = _run([str(bin_dir / "python"), "-c", code], elsewhere, env).split()
    assert Path(path).is_relative_to(bin_dir.parent)
    assert flag == "True"


def test_help_demo_and_report_from_any_folder(installed):
    bin_dir, elsewhere, env = installed
    codesign = str(bin_dir / "codesign")
    assert _run([codesign, "--help"], elsewhere, env).startswith("usage: codesign")

    links = _run([codesign, "demo"], elsewhere, env)
    assert re.search(r"team-1\tЖасыл аула\thttp://localhost:8501/sketch\?s=aksu-demo&t=\S+", links)
    sessions = Path(env["HOME"]) / ".local" / "share" / "codesign" / "sessions"
    assert (sessions / "aksu-demo" / "session.json").is_file()  # the user's data folder, not the working folder
    assert sorted(p.name for p in (sessions / "aksu-demo" / "concepts").iterdir()) == ["plan", "team-1", "team-2"]
    assert list(elsewhere.iterdir()) == []

    _run([codesign, "report", "aksu-demo", "--lang", "kk", "--out", "report.pdf"], elsewhere, env)
    pdf = (elsewhere / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 100_000  # the maps and the embedded font are there

    other = elsewhere / "other-sessions"
    _run([codesign, "demo"], elsewhere, {**env, "CODESIGN_SESSIONS_DIR": str(other)})
    assert (other / "aksu-demo" / "session.json").is_file()


def test_run_demo_serves_the_app_and_its_static_files(installed):
    bin_dir, elsewhere, env = installed
    port = free_port()
    log = elsewhere / "run.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(bin_dir / "codesign"), "run", "--demo", "--port", str(port), "--address", "127.0.0.1"],
            cwd=elsewhere,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as ok:
                if ok.status == 200:
                    break
            assert proc.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/app/static/vendor/leaflet/leaflet.js", timeout=10) as js:
            assert js.status == 200
            assert b"Leaflet" in js.read(2000)
        printed = log.read_text()
        assert f"Facilitator: {base.replace('127.0.0.1', 'localhost')}/?key=" in printed
        assert "Demo session 'aksu-demo'" in printed
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
