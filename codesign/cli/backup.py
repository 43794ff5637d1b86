"""``backup`` and ``restore``: every session of a store into one file, and back into a store.

    codesign backup --out FILE [--store DIR|URL] [--session SESSION ...]
    codesign restore FILE [--store DIR|URL] [--session SESSION ...]

The store is ``--store`` (a sessions folder or ``postgresql://...``), else the configured one
(``CODESIGN_DATABASE_URL``, else ``CODESIGN_SESSIONS_DIR``). The file's format and the
snapshot's guarantees: :mod:`codesign.storage.backup`.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

from codesign.storage.base import Store, open_store

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``backup`` and ``restore`` to the command line (each opens its own store).

    Parameters
    ----------
    sub
        The top-level subcommands.
    """
    backup = sub.add_parser("backup", help="write every session, version, round and vote into one file")
    backup.add_argument("--out", required=True, metavar="FILE", help="the backup file to write (zip)")
    restore = sub.add_parser("restore", help="add the sessions of a backup file to a store")
    restore.add_argument("file", metavar="FILE", help="a backup file made by 'backup'")
    for parser in (backup, restore):
        parser.add_argument(
            "--store", default=None, metavar="DIR|URL", help="a sessions folder or postgresql://... URL"
        )
        parser.add_argument("--session", action="append", default=[], help="only this session (repeatable)")
    backup.set_defaults(handler=_backup, opens_store=True)
    restore.set_defaults(handler=_restore, opens_store=True)


@contextlib.contextmanager
def _store(location: str | None) -> Iterator[Store]:
    """The store at ``--store``, else the configured one; its connections closed afterwards."""
    from codesign.storage.copy import open_location

    store = open_location(location) if location else open_store()
    try:
        yield store
    finally:
        close = getattr(store, "close", None)  # the PostGIS store's pool
        if close is not None:
            close()


def _backup(args: argparse.Namespace) -> None:
    """``backup``: every session (or the ones named) into ``--out``."""
    from codesign.storage.backup import backup_store

    with _store(args.store) as store:
        done = backup_store(store, args.out, args.session)
    for session in done:
        print(f"Backed up {session.summary()}")
    print(f"{len(done)} session(s) written to {args.out}.")


def _restore(args: argparse.Namespace) -> None:
    """``restore``: the sessions of a backup file into the store."""
    from codesign.storage.backup import restore_backup

    with _store(args.store) as store:
        done = restore_backup(args.file, store, args.session)
    for session in done:
        print(f"Restored {session.summary()}")
    print(f"{len(done)} session(s) restored.")
