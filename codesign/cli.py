"""``python -m codesign``: the workshop from a terminal.

    python -m codesign session new --site aksu-city-square --title "Forum" --teams "A,B"
    python -m codesign session list
    python -m codesign session show SESSION
    python -m codesign demo                 # create the Aksu demo session (if missing)
    python -m codesign run [--demo]         # print the links, then start the app

The sessions folder is ``CODESIGN_SESSIONS_DIR`` (default ``sessions/``); links use
``--base-url`` or ``CODESIGN_BASE_URL`` (default http://localhost:8501).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from codesign.access import DEFAULT_BASE_URL, facilitator_link, facilitator_secret, join_link
from codesign.demo import ensure_demo_session
from codesign.errors import CodesignError
from codesign.i18n import translate
from codesign.serve import streamlit_command
from codesign.sites import load_site
from codesign.store import FileStore, Session

__all__ = ["main"]


def _sessions_dir() -> Path:
    return Path(os.environ.get("CODESIGN_SESSIONS_DIR", "sessions"))


def _print_links(session: Session, base_url: str, secret: str | None) -> None:
    if secret is not None:
        print(f"Facilitator: {facilitator_link(base_url, secret)}")
    for team in session.teams:
        print(f"{team.id}\t{team.name}\t{join_link(base_url, session.id, team.token)}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m codesign", description="Tugan Qala Co-design workshop tool")
    parser.add_argument("--lang", choices=("ru", "kk", "en"), default="en", help="language of error messages")
    sub = parser.add_subparsers(dest="command", required=True)
    session = sub.add_parser("session", help="create, list and show workshop sessions")
    ssub = session.add_subparsers(dest="action", required=True)
    new = ssub.add_parser("new", help="create a session and print its links")
    new.add_argument("--site", required=True)
    new.add_argument("--title", required=True)
    new.add_argument("--teams", required=True, help='comma-separated team names: "Name1,Name2"')
    new.add_argument("--date", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
    new.add_argument("--base-url", default=None)
    ssub.add_parser("list", help="list sessions")
    show = ssub.add_parser("show", help="show a session's teams, links and latest versions")
    show.add_argument("session")
    show.add_argument("--base-url", default=None)
    demo = sub.add_parser("demo", help="create the Aksu demo session if missing, print its links")
    demo.add_argument("--base-url", default=None)
    run = sub.add_parser("run", help="print the facilitator link and start the app")
    run.add_argument("--demo", action="store_true", help="create the Aksu demo session first")
    run.add_argument("--port", type=int, default=8501)
    run.add_argument("--address", default="localhost", help="0.0.0.0 to serve the venue's network")
    run.add_argument("--base-url", default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    base_url = getattr(args, "base_url", None) or os.environ.get("CODESIGN_BASE_URL", DEFAULT_BASE_URL)
    store = FileStore(_sessions_dir())
    try:
        if args.command == "session" and args.action == "new":
            load_site(args.site)
            names = [n.strip() for n in args.teams.split(",") if n.strip()]
            session = store.create_session(
                site=args.site, title=args.title, teams=[(n, None) for n in names], day=args.date
            )
            print(f"Session {session.id}: {session.title} ({session.site}, {session.date})")
            _print_links(session, base_url, facilitator_secret(_sessions_dir())[0])
        elif args.command == "session" and args.action == "list":
            for s in store.list_sessions():
                print(f"{s.id}\t{s.date}\t{s.site}\t{len(s.teams)} teams\t{s.title}")
        elif args.command == "session" and args.action == "show":
            session = store.load_session(args.session)
            print(f"Session {session.id}: {session.title} ({session.site}, {session.date})")
            _print_links(session, base_url, None)
            for team in session.teams:
                latest = store.load_latest(session.id, team.id)
                saved = (
                    f"version {latest.version}, {len(latest.features)} features, {latest.saved_at}"
                    if latest
                    else "nothing saved"
                )
                print(f"{team.id}\t{saved}")
        elif args.command == "demo":
            session = ensure_demo_session(store)
            _print_links(session, base_url, facilitator_secret(_sessions_dir())[0])
        elif args.command == "run":
            return _run(args, store, base_url)
    except CodesignError as err:
        print(f"error: {translate(err.key, args.lang, **err.params)}", file=sys.stderr)
        return 2
    return 0


def _run(args: argparse.Namespace, store: FileStore, base_url: str) -> int:
    if args.base_url is None and "CODESIGN_BASE_URL" not in os.environ:
        base_url = f"http://localhost:{args.port}"
    os.environ["CODESIGN_BASE_URL"] = base_url
    secret, created = facilitator_secret(_sessions_dir())
    print("\nTugan Qala Co-design")
    print(f"  Facilitator{' (new secret)' if created else ''}: {facilitator_link(base_url, secret)}")
    if args.demo:
        session = ensure_demo_session(store)
        print(f"  Demo session '{session.id}' (illustrative data):")
        for team in session.teams:
            print(f"    {team.name}: {join_link(base_url, session.id, team.token)}")
    print(flush=True)
    command = streamlit_command(args.port, args.address)
    os.execv(sys.executable, command)
    return 0  # pragma: no cover - execv does not return
