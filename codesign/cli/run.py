"""``run``: print the facilitator's link (and the demo's team links), then start the app.

    python -m codesign run [--demo] [--port 8501] [--address 0.0.0.0] [--ssl-cert FILE --ssl-key FILE]

The process becomes Streamlit (``os.execv``): what it prints comes first, then the app's log.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from codesign.cli.serve import streamlit_command
from codesign.cli.sessions import base_url, configured_secret
from codesign.config import BASE_URL_VARIABLE
from codesign.domain.access import facilitator_link, join_link
from codesign.errors import CodesignError
from codesign.services.demo import ensure_demo_session
from codesign.storage.base import Store

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``run`` to the command line.

    Parameters
    ----------
    sub
        The top-level subcommands.
    """
    run = sub.add_parser("run", help="print the facilitator link and start the app")
    run.add_argument("--demo", action="store_true", help="create the Aksu demo session first")
    run.add_argument("--port", type=int, default=8501)
    run.add_argument("--address", default="localhost", help="0.0.0.0 to serve the venue's network")
    run.add_argument("--base-url", default=None)
    run.add_argument("--ssl-cert", default=None, metavar="FILE", help="serve HTTPS with this certificate (PEM)")
    run.add_argument("--ssl-key", default=None, metavar="FILE", help="the certificate's private key (PEM, no password)")
    run.set_defaults(handler=_run)


def _check_certificate(cert: str | None, key: str | None) -> None:
    """Refuse, with the reason, a certificate Streamlit could not serve (before it starts)."""
    if (cert is None) != (key is None):
        raise CodesignError("serve.ssl_pair")
    if cert is None or key is None:
        return
    import ssl

    missing = [path for path in (cert, key) if not Path(path).is_file()]
    try:
        if missing:
            raise FileNotFoundError(2, "no such file", missing[0])
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key, password=lambda: b"")
    except ssl.SSLError as err:  # before OSError: it is one
        reason = re.sub(r"\s*\(_ssl\.c:\d+\)", "", str(err.args[-1]))  # "[X509: KEY_VALUES_MISMATCH] ..."
        raise CodesignError("serve.ssl_unusable", cert_file=cert, key_file=key, reason=reason) from None
    except OSError as err:
        reason = f"{err.filename}: {err.strerror}" if err.filename else str(err)
        raise CodesignError("serve.ssl_unusable", cert_file=cert, key_file=key, reason=reason) from None


def _run(args: argparse.Namespace, store: Store) -> None:
    """``run``: check the certificate, settle the base URL, print the links, become Streamlit."""
    _check_certificate(args.ssl_cert, args.ssl_key)
    scheme = "https" if args.ssl_cert else "http"
    url = base_url(args)
    if args.base_url is None and BASE_URL_VARIABLE not in os.environ:
        url = f"{scheme}://localhost:{args.port}"
    if args.ssl_cert and not url.startswith("https://"):
        raise CodesignError("serve.base_url_https", url=url)
    os.environ[BASE_URL_VARIABLE] = url
    secret, created = configured_secret()
    print("\nTugan Qala Co-design")
    print(f"  Facilitator{' (new secret)' if created else ''}: {facilitator_link(url, secret)}")
    if args.demo:
        session = ensure_demo_session(store)
        print(f"  Demo session '{session.id}' (illustrative data):")
        for team in session.teams:
            print(f"    {team.name}: {join_link(url, session.id, team.token)}")
    print(flush=True)
    command = streamlit_command(args.port, args.address, ssl_cert=args.ssl_cert, ssl_key=args.ssl_key)
    os.execv(sys.executable, command)
