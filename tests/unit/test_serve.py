"""python -m codesign run over HTTPS: the command passes the certificate to Streamlit, links use https."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codesign.cli import main
from codesign.cli.serve import streamlit_command


def self_signed(folder: Path, name: str = "hall") -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1 made with openssl, as the README says."""
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """The command line with a sessions folder, a strong secret, and ``os.execv`` caught."""
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path / "sessions"))
    monkeypatch.setenv("CODESIGN_FACILITATOR_SECRET", "serve-secret-0123456789")
    monkeypatch.delenv("CODESIGN_BASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    execs: list[list[str]] = []
    monkeypatch.setattr("codesign.cli.os.execv", lambda exe, argv: execs.append(argv))
    return tmp_path, execs


def test_the_command_has_no_certificate_by_default():
    assert "--server.sslCertFile" not in streamlit_command(8501, "localhost")


def test_a_certificate_needs_its_key():
    with pytest.raises(ValueError, match="both"):
        streamlit_command(8501, "localhost", ssl_cert="hall.crt")


def test_run_with_a_certificate_passes_it_to_streamlit_and_prints_https_links(cli, capsys, monkeypatch):
    tmp_path, execs = cli
    cert, key = self_signed(tmp_path)
    assert (
        main(
            ["run", "--demo", "--port", "8443", "--address", "0.0.0.0", "--ssl-cert", str(cert), "--ssl-key", str(key)]
        )
        == 0
    )
    [command] = execs
    flags = dict(zip(command[5::2], command[6::2], strict=False))
    assert flags["--server.sslCertFile"] == str(cert)
    assert flags["--server.sslKeyFile"] == str(key)
    assert (flags["--server.port"], flags["--server.address"]) == ("8443", "0.0.0.0")
    out = capsys.readouterr().out
    assert "https://localhost:8443/?key=serve-secret-0123456789" in out
    assert "https://localhost:8443/sketch?s=aksu-demo&t=" in out
    assert "http://" not in out
    import os

    assert os.environ["CODESIGN_BASE_URL"] == "https://localhost:8443"  # the app prints the same links


def test_run_with_a_certificate_and_the_venue_address(cli, capsys):
    tmp_path, execs = cli
    cert, key = self_signed(tmp_path)
    base = "https://192.168.1.10:8443"
    assert main(["run", "--base-url", base, "--ssl-cert", str(cert), "--ssl-key", str(key)]) == 0
    assert f"{base}/?key=serve-secret-0123456789" in capsys.readouterr().out
    assert len(execs) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--ssl-cert", "CERT"], "both --ssl-cert and --ssl-key"),
        (["--ssl-key", "KEY"], "both --ssl-cert and --ssl-key"),
        (["--ssl-cert", "missing.crt", "--ssl-key", "KEY"], "missing.crt"),
        (["--ssl-cert", "KEY", "--ssl-key", "KEY"], "Cannot serve HTTPS"),  # a key is no certificate
        (["--ssl-cert", "OTHER_CERT", "--ssl-key", "KEY"], "the key belongs to the certificate"),
        (["--ssl-cert", "CERT", "--ssl-key", "KEY", "--base-url", "http://10.0.0.5:8501"], "https://"),
    ],
)
def test_run_refuses_an_unusable_certificate_with_the_reason(cli, capsys, argv, message):
    tmp_path, execs = cli
    cert, key = self_signed(tmp_path)
    other_cert, _ = self_signed(tmp_path, "other")
    names = {"CERT": str(cert), "KEY": str(key), "OTHER_CERT": str(other_cert)}
    assert main(["run", *(names.get(a, a) for a in argv)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert execs == []  # nothing started
