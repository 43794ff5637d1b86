"""``session new|list|show`` and ``demo``: workshop sessions and the links people open.

    python -m codesign session new --site aksu-city-square --title "Forum" --teams "A,B"
    python -m codesign session list
    python -m codesign session show SESSION
    python -m codesign demo                 # create the Aksu demo session (if missing)

Links start with ``--base-url``, else ``CODESIGN_BASE_URL`` (default http://localhost:8501).
"""

from __future__ import annotations

import argparse
import datetime as dt

from codesign.config import settings
from codesign.domain.access import facilitator_link, join_link
from codesign.domain.session import Session
from codesign.domain.site import load_site
from codesign.services.demo import ensure_demo_session
from codesign.services.secret import default_secrets_files, facilitator_secret, secret_from_toml_files
from codesign.storage.base import Store

__all__ = ["add_commands", "base_url", "configured_secret", "print_links"]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``session new|list|show`` and ``demo`` to the command line.

    Parameters
    ----------
    sub
        The top-level subcommands.
    """
    session = sub.add_parser("session", help="create, list and show workshop sessions")
    ssub = session.add_subparsers(dest="action", required=True)
    new = ssub.add_parser("new", help="create a session and print its links")
    new.add_argument("--site", required=True)
    new.add_argument("--title", required=True)
    new.add_argument("--teams", required=True, help='comma-separated team names: "Name1,Name2"')
    new.add_argument("--date", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
    new.add_argument("--base-url", default=None)
    new.set_defaults(handler=_new)
    ssub.add_parser("list", help="list sessions").set_defaults(handler=_list)
    show = ssub.add_parser("show", help="show a session's teams, links and latest versions")
    show.add_argument("session")
    show.add_argument("--base-url", default=None)
    show.set_defaults(handler=_show)
    demo = sub.add_parser("demo", help="create the Aksu demo session if missing, print its links")
    demo.add_argument("--base-url", default=None)
    demo.set_defaults(handler=_demo)


def base_url(args: argparse.Namespace) -> str:
    """The address links start with: ``--base-url``, else ``CODESIGN_BASE_URL``, else the local default.

    Parameters
    ----------
    args
        The parsed command line.

    Returns
    -------
    str
        The base URL, e.g. ``http://localhost:8501``.
    """
    return getattr(args, "base_url", None) or settings().base_url


def configured_secret() -> tuple[str, bool]:
    """The facilitator's secret the app will use: environment, then secrets.toml (as Streamlit reads it), then the file.

    Returns
    -------
    tuple of (str, bool)
        The secret, and whether it was created just now (in the sessions folder).
    """
    return facilitator_secret(settings().sessions_dir, configured=secret_from_toml_files(default_secrets_files()))


def print_links(session: Session, url: str, secret: str | None) -> None:
    """Print the facilitator's link (when ``secret`` is given) and each team's join link.

    Parameters
    ----------
    session
        The session whose teams' links are printed.
    url
        The base URL of the app.
    secret
        The facilitator's secret, or ``None`` to leave the facilitator's link out.
    """
    if secret is not None:
        print(f"Facilitator: {facilitator_link(url, secret)}")
    for team in session.teams:
        print(f"{team.id}\t{team.name}\t{join_link(url, session.id, team.token)}")


def _new(args: argparse.Namespace, store: Store) -> None:
    """``session new``: create the session, print it and its links."""
    load_site(args.site)
    names = [n.strip() for n in args.teams.split(",") if n.strip()]
    session = store.create_session(site=args.site, title=args.title, teams=[(n, None) for n in names], day=args.date)
    print(f"Session {session.id}: {session.title} ({session.site}, {session.date})")
    print_links(session, base_url(args), configured_secret()[0])


def _list(args: argparse.Namespace, store: Store) -> None:
    """``session list``: one line a session."""
    for s in store.list_sessions():
        print(f"{s.id}\t{s.date}\t{s.site}\t{len(s.teams)} teams\t{s.title}")


def _show(args: argparse.Namespace, store: Store) -> None:
    """``session show``: the session, its teams' links and what each has saved."""
    session = store.load_session(args.session)
    print(f"Session {session.id}: {session.title} ({session.site}, {session.date})")
    print_links(session, base_url(args), None)
    for team in session.teams:
        latest = store.load_latest(session.id, team.id)
        saved = (
            f"version {latest.version}, {len(latest.features)} features, {latest.saved_at}"
            if latest
            else "nothing saved"
        )
        print(f"{team.id}\t{saved}")


def _demo(args: argparse.Namespace, store: Store) -> None:
    """``demo``: the Aksu demo session, created if missing; its links."""
    session = ensure_demo_session(store)
    print_links(session, base_url(args), configured_secret()[0])
