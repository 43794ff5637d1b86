"""Versioned schema migrations of the PostGIS store: numbered SQL files applied in order, once.

Each file in this folder is named ``NNNN_what_it_does.sql`` (``0001_sessions_and_versions.sql``)
and holds plain SQL. :func:`apply_migrations` applies, in one transaction, every migration whose
number is not yet in the table ``schema_migrations``, and records it there; applying again is a
no-op. A transaction-level advisory lock makes app processes that start together take turns,
so each migration runs exactly once. Tables are made in the connection's current schema (the
first of its ``search_path``).

A migration, once released, is never edited: a change to the schema is a new file with the
next number.

>>> [(m.number, m.name) for m in available_migrations()][:2]
[(1, 'sessions_and_versions'), (2, 'feature_geometries')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "MIGRATIONS_DIR",
    "Migration",
    "SchemaTooNewError",
    "applied_migrations",
    "apply_migrations",
    "available_migrations",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
#: Key of the advisory lock held while migrating (any constant: "codesign" in ASCII).
_LOCK_KEY = 0x636F_6465_7369_676E


@dataclass(frozen=True)
class Migration:
    """One numbered schema change."""

    number: int
    name: str
    sql: str


class SchemaTooNewError(RuntimeError):
    """The database holds migrations this version of the app does not know: update the app.

    Parameters
    ----------
    newest_applied
        The newest migration the database has.
    newest_known
        The newest migration this app knows.
    """

    def __init__(self, newest_applied: int, newest_known: int) -> None:
        self.newest_applied = newest_applied
        self.newest_known = newest_known
        super().__init__(
            f"the database schema is at migration {newest_applied}, this app knows migrations up to "
            f"{newest_known}: update the app before using this database"
        )


def available_migrations(folder: Path = MIGRATIONS_DIR) -> tuple[Migration, ...]:
    """The migrations in ``folder``, by number; refuses doubled numbers.

    Numbers are handed out to branches developed in parallel, so a branch may lack a number
    another branch holds (a gap); each is applied once, in order, and a lower number that
    arrives later (with a merge) is applied then.

    Parameters
    ----------
    folder
        Where the ``NNNN_what_it_does.sql`` files are.

    Returns
    -------
    tuple of Migration
        In ascending order (:class:`ValueError` for a badly named file or a doubled number).
    """
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file {path.name} is not named NNNN_what_it_does.sql")
        found.append(Migration(int(match.group(1)), match.group(2), path.read_text(encoding="utf-8")))
    numbers = [m.number for m in found]
    if len(set(numbers)) != len(numbers) or any(n < 1 for n in numbers):
        raise ValueError(f"migration numbers must be 1 or more, each used once: {numbers}")
    return tuple(found)


def _create_bookkeeping(conn: psycopg.Connection) -> None:
    conn.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )


def applied_migrations(conn: psycopg.Connection) -> list[int]:
    """Numbers of the migrations recorded as applied.

    Parameters
    ----------
    conn
        A connection to the database.

    Returns
    -------
    list of int
        Ascending; empty for a new database.
    """
    exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return []
    return [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]


def apply_migrations(
    conn: psycopg.Connection,
    migrations: tuple[Migration, ...] | None = None,
    *,
    up_to: int | None = None,
) -> list[int]:
    """Apply the migrations not applied yet (up to number ``up_to``), in one transaction.

    Raises :class:`SchemaTooNewError` when the database has a migration newer than any known here.

    Parameters
    ----------
    conn
        A connection to the database (in autocommit mode; the migrations run in one transaction).
    migrations
        The migrations (default: :func:`available_migrations`).
    up_to
        Apply none above this number (default: all).

    Returns
    -------
    list of int
        The numbers applied now (empty when the schema was already up to date).
    """
    migrations = available_migrations() if migrations is None else migrations
    newest_known = migrations[-1].number if migrations else 0
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        _create_bookkeeping(conn)
        applied = set(applied_migrations(conn))
        if applied and max(applied) > newest_known:
            raise SchemaTooNewError(max(applied), newest_known)
        done = []
        for migration in migrations:
            if migration.number in applied or (up_to is not None and migration.number > up_to):
                continue
            conn.execute(migration.sql.encode("utf-8"))
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (migration.number, migration.name)
            )
            done.append(migration.number)
    return done
