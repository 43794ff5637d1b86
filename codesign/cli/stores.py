"""``store copy``: sessions, with every version, rounds and votes, between a folder and PostGIS.

    python -m codesign store copy --from DIR|URL --to URL|DIR [--session SESSION ...]

A store is a sessions folder or a database URL (``postgresql://...``; :func:`codesign.storage.copy.open_location`).
"""

from __future__ import annotations

import argparse

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``store copy`` to the command line (it opens the two stores it copies between).

    Parameters
    ----------
    sub
        The top-level subcommands.
    """
    store = sub.add_parser("store", help="copy sessions between a sessions folder and a PostGIS database")
    ssub = store.add_subparsers(dest="action", required=True)
    copy = ssub.add_parser("copy", help="copy sessions with every version, rounds and votes")
    copy.add_argument("--from", dest="source", required=True, help="a sessions folder or postgresql://... URL")
    copy.add_argument("--to", dest="target", required=True, help="a sessions folder or postgresql://... URL")
    copy.add_argument(
        "--session", action="append", default=[], help="copy only this session (repeatable; default: all)"
    )
    copy.set_defaults(handler=_copy_store)


def _copy_store(args: argparse.Namespace) -> None:
    """``store copy``: sessions from one store (folder or database URL) into another."""
    from codesign.storage.copy import copy_sessions, open_location

    copied = copy_sessions(open_location(args.source), open_location(args.target), args.session)
    for session in copied:
        print(f"Copied {session.summary()}")
    print(f"{len(copied)} session(s) copied.")
