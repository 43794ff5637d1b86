"""The command that serves the workshop app with Streamlit (``python -m codesign run``).

>>> streamlit_command(8502, "127.0.0.1")[5:9]
['--server.port', '8502', '--server.address', '127.0.0.1']
>>> streamlit_command(8443, "0.0.0.0", ssl_cert="hall.crt", ssl_key="hall.key")[-4:]
['--server.sslCertFile', 'hall.crt', '--server.sslKeyFile', 'hall.key']
"""

from __future__ import annotations

import os
import sys

from codesign.config import APP_DIR

__all__ = ["APP", "streamlit_command"]

#: The Streamlit entry point: in the clone, or inside the installed package (:data:`codesign.config.APP_DIR`).
APP = APP_DIR / "workshop_app.py"


def streamlit_command(
    port: int,
    address: str,
    *,
    ssl_cert: str | os.PathLike[str] | None = None,
    ssl_key: str | os.PathLike[str] | None = None,
) -> list[str]:
    """The command line that serves the workshop app (over HTTPS when given a certificate and its key).

    Parameters
    ----------
    port
        The port to listen on.
    address
        The address to listen on: ``localhost``, or ``0.0.0.0`` for the venue's network.
    ssl_cert
        The certificate (PEM), or ``None`` for plain HTTP.
    ssl_key
        The certificate's private key (PEM); given exactly when ``ssl_cert`` is.

    Returns
    -------
    list of str
        The program and its arguments, for :func:`os.execv` or :mod:`subprocess`.

    Raises
    ------
    ValueError
        When only one of the certificate and the key is given.
    """
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",  # a workshop never edits code: no rerun on file changes
        "none",
    ]
    if (ssl_cert is None) != (ssl_key is None):
        raise ValueError("HTTPS needs both the certificate and its private key")
    if ssl_cert is not None:
        command += ["--server.sslCertFile", str(ssl_cert), "--server.sslKeyFile", str(ssl_key)]
    return command
