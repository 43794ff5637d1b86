"""The PostGIS store: sessions and versioned concepts in a shared PostgreSQL database.

Selected by ``CODESIGN_DATABASE_URL`` (see :mod:`codesign.storage.base`), it keeps the file store's
promises for several app processes, or machines, on one database:

- every save inserts a new row in ``concept_versions`` (never an update: a trigger refuses
  updates whoever connects); its number is one above the owner's latest;
- a save based on an older version than the latest raises
  :class:`~codesign.errors.SessionConflictError` (``latest=``, ``base=``); saves of one session
  take turns on a row lock of its ``sessions`` row (``SELECT ... FOR NO KEY UPDATE``), so
  nothing is lost however many processes save at once;
- what is stored is read back first (:func:`~codesign.domain.concept.concept_from_geojson`), as in
  the file store; the same errors (:class:`~codesign.errors.SessionNotFound`,
  :class:`~codesign.errors.InvalidIdentifier`, :class:`~codesign.errors.StoreError` with the
  reason when the database cannot be reached or refuses a write).

Each version is kept twice: the GeoJSON document (``document jsonb``, exactly what the file
store writes) and one row per feature with its PostGIS geometry (``concept_features.geom``,
SRID 4326) for GIS staff; the view ``latest_concept_features`` holds each owner's newest
version. Rounds, votes, costing and reasons are ``jsonb`` columns of the session's row. The
schema is created and upgraded by :mod:`codesign.storage.migrations` when the store connects;
the SQL of the rows is :mod:`codesign.storage.postgis_rows`.

PostgreSQL cannot store the NUL character (U+0000) in text: such text is refused with the
error of the field that holds it.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout
from typing_extensions import override

from codesign.domain.concept import Concept, VersionInfo, concept_from_geojson
from codesign.domain.desks import DeskGrant
from codesign.domain.ids import check_identifier
from codesign.domain.rounds import RoundState, state_to_json
from codesign.domain.session import Session
from codesign.domain.votes import Votes, votes_to_json
from codesign.errors import CodesignError, InvalidConceptError, SessionConflictError, SessionNotFound, StoreError
from codesign.storage.base import StoreBase
from codesign.storage.migrations import SchemaTooNewError, apply_migrations
from codesign.storage.postgis_rows import (
    check_concept_text,
    check_session_text,
    insert_session,
    insert_version,
    latest_version_number,
    lock_session,
    one_row,
    read_document,
    replace_session,
    select_session,
    select_sessions,
    utc_text,
    write_document,
)

__all__ = ["SESSION_FIELDS", "PostgisStore", "describe_url", "url_with_schema"]

#: The :class:`~codesign.domain.session.Session` fields this store has columns for (a new field needs a migration).
SESSION_FIELDS = ("id", "title", "site", "date", "created_at", "teams", "illustrative", "review_token")
APPLICATION_NAME = "tugan-qala-codesign"

_Value = TypeVar("_Value")


def describe_url(url: str) -> str:
    """The database a URL names, for messages: host, port and database, never the password.

    >>> describe_url("postgresql://ann:secret@db.local:5433/codesign")
    'database codesign on db.local:5433'

    Parameters
    ----------
    url
        A PostgreSQL URL.

    Returns
    -------
    str
        ``database <name> on <host>:<port>``.
    """
    try:
        params = conninfo_to_dict(url)
    except psycopg.Error:
        return "the database (its URL cannot be read)"
    host = params.get("host") or "localhost"
    port = params.get("port") or "5432"
    return f"database {params.get('dbname') or params.get('user') or '?'} on {host}:{port}"


def url_with_schema(url: str, schema: str) -> str:
    """``url`` with a ``search_path`` that puts ``schema`` first, so the store's tables live there.

    PostGIS stays found in ``public``. Several workshops (or test runs) can so share a database.

    >>> url_with_schema("postgresql://u@h:5/db", "forum_2026")
    'postgresql://u@h:5/db?options=-csearch_path%3Dforum_2026%2Cpublic'

    Parameters
    ----------
    url
        A PostgreSQL URL (its other options are kept).
    schema
        The schema's name.

    Returns
    -------
    str
        The URL with the ``search_path`` option.
    """
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    option = f"-csearch_path={schema},public"
    query["options"] = f"{query['options']} {option}" if query.get("options") else option
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


class PostgisStore(StoreBase):
    """Sessions and versioned concepts in PostgreSQL/PostGIS (``CODESIGN_DATABASE_URL``).

    Connecting applies the schema migrations (:mod:`codesign.storage.migrations`) and checks that the
    PostGIS extension is there (it is created when the user may). Connections come from a small
    pool shared by the threads of one process; call :meth:`close` (or use ``with``) when done.

    Parameters
    ----------
    url
        The database's URL (``postgresql://user@host:5432/codesign``).
    now
        The clock of creation and save times (default: the current UTC time).
    max_connections
        The most connections the pool opens.
    timeout_s
        Seconds to wait for a connection before :class:`~codesign.errors.StoreError`.
    """

    def __init__(
        self,
        url: str,
        now: Callable[[], datetime] | None = None,
        *,
        max_connections: int = 8,
        timeout_s: float = 10.0,
    ) -> None:
        self.url = url
        self._now = now or (lambda: datetime.now(UTC))
        self._timeout_s = timeout_s
        self._where = describe_url(url)
        self._pinned = threading.local()
        connect_args: dict[str, Any] = {
            "connect_timeout": max(2, round(timeout_s)),
            "application_name": APPLICATION_NAME,
        }
        try:
            with psycopg.connect(url, autocommit=True, **connect_args) as conn:
                _ensure_postgis(conn, self._where)
                apply_migrations(conn)
        except SchemaTooNewError as err:
            raise StoreError(reason=f"{self._where}: {err}") from err
        except psycopg.Error as err:
            raise StoreError(reason=f"{self._where} cannot be used: {_first_line(err)}") from err
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True, **connect_args},
            timeout=timeout_s,
            check=ConnectionPool.check_connection,
            name="codesign-store",
            open=True,
        )

    # ------------------------------------------------------------------ connections
    def close(self) -> None:
        """Close the pool's connections."""
        self._pool.close()

    def __enter__(self) -> PostgisStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgisStore({self._where})"

    @override
    @contextlib.contextmanager
    def snapshot(self, session_id: str | None = None) -> Iterator[None]:
        # This thread's reads share one REPEATABLE READ, READ ONLY transaction (the whole database,
        # whichever session is named); a snapshot within a snapshot is the same one.
        if getattr(self._pinned, "conn", None) is not None:
            yield
            return
        with self._connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            self._pinned.conn = conn
            try:
                yield
            finally:
                self._pinned.conn = None

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection (autocommit); database problems become :class:`StoreError`."""
        pinned = getattr(self._pinned, "conn", None)  # within snapshot(): its transaction
        try:
            if pinned is not None:
                yield pinned
                return
            with self._pool.connection() as conn:
                yield conn
        except PoolTimeout as err:
            raise StoreError(reason=f"{self._where} did not answer within {self._timeout_s:g} s") from err
        except psycopg.Error as err:
            raise StoreError(reason=f"{self._where}: {_first_line(err)}") from err

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection]:
        """A connection inside one transaction: committed when the block ends, rolled back on error."""
        with self._connection() as conn, conn.transaction():
            yield conn

    # ------------------------------------------------------------------ sessions
    def _insert_session(self, session: Session) -> None:
        with self._transaction() as conn:
            insert_session(conn, session)

    @override
    def load_session(self, session_id: str) -> Session:
        check_identifier(session_id, "session")
        with self._connection() as conn:
            return select_session(conn, session_id)

    @override
    def list_sessions(self) -> list[Session]:
        with self._connection() as conn:
            found = select_sessions(conn)
        return sorted(found, key=lambda s: (s.date, s.created_at, s.id), reverse=True)

    @override
    def update_session(self, session: Session) -> None:
        check_identifier(session.id, "session")
        check_session_text(session)
        with self._transaction() as conn:
            lock_session(conn, session.id)
            replace_session(conn, session)

    @override
    def reissue_token(self, session_id: str, who: str) -> Session:
        check_identifier(session_id, "session")
        with self._transaction() as conn:
            lock_session(conn, session_id)
            token = secrets.token_urlsafe(16)
            if who == "reviewer":
                conn.execute("UPDATE sessions SET review_token = %s WHERE id = %s", (token, session_id))
            else:
                one_row(
                    conn,
                    "UPDATE teams SET token = %s WHERE session_id = %s AND id = %s RETURNING id",
                    (token, session_id, who),
                    lambda: CodesignError("error.team_not_found", team=who),
                )
            return select_session(conn, session_id)

    # ------------------------------------------------------------------ rounds and votes
    def _read_document(self, session_id: str, name: str) -> Any:
        check_identifier(session_id, "session")
        with self._connection() as conn:
            return read_document(conn, session_id, name)

    def _update_document(self, session_id: str, name: str, apply: Callable[[Any], tuple[_Value, Any]]) -> _Value:
        check_identifier(session_id, "session")
        with self._transaction() as conn:
            lock_session(conn, session_id)
            new, document = apply(read_document(conn, session_id, name))
            write_document(conn, session_id, name, document)
        return new

    # ------------------------------------------------------------------ presence and desks
    @override
    def record_presence(self, session_id: str, team_id: str) -> None:
        check_identifier(session_id, "session")
        check_identifier(team_id, "team")
        with self._connection() as conn:
            one_row(
                conn,
                "INSERT INTO tablet_presence (session_id, team_id, seen_at) SELECT id, %s, %s FROM sessions"
                " WHERE id = %s ON CONFLICT (session_id, team_id) DO UPDATE SET seen_at = excluded.seen_at"
                " RETURNING team_id",
                (team_id, self._now(), session_id),
                lambda: SessionNotFound(session_id=session_id),
            )

    @override
    def presence(self, session_id: str) -> dict[str, float]:
        check_identifier(session_id, "session")
        with self._connection() as conn:
            select_session(conn, session_id)
            rows = conn.execute(
                "SELECT team_id, seen_at FROM tablet_presence WHERE session_id = %s", (session_id,)
            ).fetchall()
        return {team: seen_at.timestamp() for team, seen_at in rows}

    @override
    def add_desk(self, grant: DeskGrant) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM desk_grants WHERE expires_at <= %s", (self._now(),))
            conn.execute(
                "INSERT INTO desk_grants (digest, binding, role, session_id, issued_at, expires_at)"
                " VALUES (%s, %s, %s, %s, %s::timestamptz, %s::timestamptz)",
                (grant.digest, grant.binding, grant.role, grant.session_id, grant.issued_at, grant.expires_at),
            )

    @override
    def find_desk(self, digest: str) -> DeskGrant | None:
        with self._connection() as conn:
            row = conn.execute(
                "SELECT digest, binding, role, session_id, issued_at, expires_at FROM desk_grants WHERE digest = %s",
                (digest,),
            ).fetchone()
        return None if row is None else _grant(row)

    @override
    def revoke_desks(self, digest: str | None = None) -> int:
        with self._connection() as conn:
            if digest is None:
                return conn.execute("DELETE FROM desk_grants").rowcount
            return conn.execute("DELETE FROM desk_grants WHERE digest = %s", (digest,)).rowcount

    @override
    def desks(self) -> list[DeskGrant]:
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT digest, binding, role, session_id, issued_at, expires_at FROM desk_grants ORDER BY issued_at"
            ).fetchall()
        return [_grant(row) for row in rows]

    # ------------------------------------------------------------------ concepts
    @override
    def latest_version(self, session_id: str, owner: str) -> int:
        check_identifier(session_id, "session")
        check_identifier(owner, "team")
        with self._connection() as conn:
            return latest_version_number(conn, session_id, owner)

    @override
    def versions(self, session_id: str, owner: str) -> list[VersionInfo]:
        check_identifier(session_id, "session")
        check_identifier(owner, "team")
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT version, saved_at, size_bytes FROM concept_versions"
                " WHERE session_id = %s AND owner = %s ORDER BY version",
                (session_id, owner),
            ).fetchall()
        return [VersionInfo(version, utc_text(saved_at), size) for version, saved_at, size in rows]

    @override
    def load_version(self, session_id: str, owner: str, version: int) -> Concept:
        check_identifier(session_id, "session")
        check_identifier(owner, "team")
        with self._connection() as conn:
            (document,) = one_row(
                conn,
                "SELECT document FROM concept_versions WHERE session_id = %s AND owner = %s AND version = %s",
                (session_id, owner, version),
                lambda: CodesignError("error.version_not_found", version=version),
            )
        return concept_from_geojson(document)

    @override
    def load_latest(self, session_id: str, owner: str) -> Concept | None:
        check_identifier(session_id, "session")
        check_identifier(owner, "team")
        with self._connection() as conn:
            (document,) = one_row(
                conn,
                "SELECT latest.document FROM sessions AS s LEFT JOIN LATERAL ("
                "   SELECT document FROM concept_versions AS v"
                "   WHERE v.session_id = s.id AND v.owner = %s ORDER BY v.version DESC LIMIT 1"
                ") AS latest ON true WHERE s.id = %s",
                (owner, session_id),
                lambda: SessionNotFound(session_id=session_id),
            )
        return None if document is None else concept_from_geojson(document)

    @override
    def damaged_versions(self, session_id: str) -> list[tuple[str, str, str]]:
        # Always empty: a row is written whole or not at all.
        self.load_session(session_id)
        return []

    @override
    def save_concept(self, session_id: str, owner: str, concept: Concept, base_version: int | None) -> Concept:
        # Decided under the session's row lock; nothing is stored that does not read back.
        check_identifier(session_id, "session")
        check_identifier(owner, "team")
        check_concept_text(concept)
        with self._transaction() as conn:
            lock_session(conn, session_id)
            latest = latest_version_number(conn, session_id, owner)
            if base_version is not None and base_version != latest:
                raise SessionConflictError(latest=latest, base=base_version)
            saved = replace(concept, team=owner, version=latest + 1, saved_at=self._now().isoformat(timespec="seconds"))
            insert_version(conn, session_id, owner, saved)
        return saved

    # ------------------------------------------------------------------ copying (python -m codesign store copy)
    def import_session(
        self,
        session: Session,
        concepts: Iterable[Concept],
        rounds: RoundState | None = None,
        votes: Votes | None = None,
        documents: Mapping[str, Any] | None = None,
    ) -> int:
        """Add a whole session copied from another store, in one transaction: all of it or nothing.

        Tokens, dates, version numbers and save times are kept as they are. Raises
        ``session.exists`` if the session is here already.

        Parameters
        ----------
        session
            The session as the source store holds it.
        concepts
            Every version to keep, each with its owner as ``team``, its number and save time.
        rounds
            The round state, or ``None`` when none was set.
        votes
            The votes, or ``None`` when none were set.
        documents
            The session's other JSON documents as the source keeps them (``costing``, ``reasons``, ``rules``,
            ``disputes``).

        Returns
        -------
        int
            The number of versions stored.
        """
        check_identifier(session.id, "session")
        count = 0
        with self._transaction() as conn:
            insert_session(conn, session)
            for concept in concepts:
                check_identifier(concept.team, "team")
                check_concept_text(concept)
                if concept.version < 1 or not concept.saved_at:
                    raise InvalidConceptError("concept.bad_field", field="version")
                insert_version(conn, session.id, concept.team, concept)
                count += 1
            if rounds is not None:
                write_document(conn, session.id, "rounds", state_to_json(rounds))
            if votes is not None:
                write_document(conn, session.id, "votes", votes_to_json(*votes))
            for name, document in (documents or {}).items():
                if name not in ("costing", "reasons", "rules", "disputes"):
                    raise ValueError(f"no such session document: {name!r}")
                write_document(conn, session.id, name, document)
        return count


def _grant(row: tuple[Any, ...]) -> DeskGrant:
    digest, binding, role, session_id, issued_at, expires_at = row
    return DeskGrant(digest, binding, role, session_id, utc_text(issued_at), utc_text(expires_at))


def _ensure_postgis(conn: psycopg.Connection, where: str) -> None:
    """Create the PostGIS extension if it is missing and we may; else say what to do."""
    if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
        return
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except psycopg.Error as err:
        raise StoreError(
            reason=f"{where} has no PostGIS: install it (Debian: postgresql-15-postgis-3) and run"
            f" CREATE EXTENSION postgis as a superuser ({_first_line(err)})"
        ) from err


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0][:300]
