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
version. Rounds and votes are ``jsonb`` columns of the session's row. The schema is created
and upgraded by :mod:`codesign.storage.migrations` when the store connects.

PostgreSQL cannot store the NUL character (U+0000) in text: such text is refused with the
error of the field that holds it.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from codesign.domain.concept import Concept, VersionInfo, concept_from_geojson, concept_to_geojson
from codesign.domain.ids import check_identifier
from codesign.domain.rounds import RoundState, state_to_json
from codesign.domain.session import MAX_TEAM_NAME, MAX_TITLE, Session, Team, new_session
from codesign.domain.votes import votes_to_json
from codesign.errors import (
    CodesignError,
    InvalidConceptError,
    SessionConflictError,
    SessionNotFound,
    StoreError,
)
from codesign.storage.migrations import SchemaTooNewError, apply_migrations
from codesign.storage.room_state import RoomStateMixin, Votes

__all__ = ["SESSION_FIELDS", "PostgisStore", "describe_url", "new_session", "url_with_schema"]

#: The :class:`~codesign.domain.session.Session` fields this store has columns for (a new field needs a migration).
SESSION_FIELDS = ("id", "title", "site", "date", "created_at", "teams", "illustrative", "review_token")
APPLICATION_NAME = "tugan-qala-codesign"


def describe_url(url: str) -> str:
    """The database a URL names, for messages: host, port and database, never the password.

    >>> describe_url("postgresql://ann:secret@db.local:5433/codesign")
    'database codesign on db.local:5433'
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
    """
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    option = f"-csearch_path={schema},public"
    query["options"] = f"{query['options']} {option}" if query.get("options") else option
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def _dump(data: Any) -> str:
    """Compact JSON, UTF-8 characters kept: the same text the file store writes."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _has_nul(text: str) -> bool:
    return "\x00" in text


def _check_concept_text(concept: Concept) -> None:
    """Refuse text PostgreSQL cannot hold (NUL), naming the field, before anything is written."""
    for name in ("title", "description"):
        if _has_nul(getattr(concept, name)):
            raise InvalidConceptError("concept.bad_field", field=name)
    for feature in concept.features:
        for name in ("label", "note"):
            if _has_nul(getattr(feature, name)):
                raise InvalidConceptError("concept.bad_field", field=name)
    if concept.source is not None and "\\u0000" in _dump(dict(concept.source)):
        raise InvalidConceptError("concept.bad_field", field="source")


@dataclass(frozen=True)
class _Rows:
    """Column values of one session and its teams, as stored."""

    session: tuple[Any, ...]
    teams: list[tuple[Any, ...]]


def _session_rows(session: Session) -> _Rows:
    return _Rows(
        (
            session.id,
            session.title,
            session.site,
            date.fromisoformat(session.date),
            session.created_at,
            session.illustrative,
            session.review_token,
        ),
        [(session.id, position, t.id, t.name, t.colour, t.token) for position, t in enumerate(session.teams)],
    )


_SESSION_SELECT = """
    SELECT s.id, s.title, s.site, s.date, s.created_at, s.illustrative, s.review_token,
           coalesce(
               jsonb_agg(jsonb_build_array(t.id, t.name, t.colour, t.token) ORDER BY t.position)
                   FILTER (WHERE t.id IS NOT NULL),
               '[]'::jsonb
           )
    FROM sessions AS s LEFT JOIN teams AS t ON t.session_id = s.id
"""


def _session_from_row(row: Sequence[Any]) -> Session:
    session_id, title, site, day, created_at, illustrative, review_token, teams = row
    return Session(
        id=session_id,
        title=title,
        site=site,
        date=day.isoformat(),
        created_at=_utc_text(created_at),
        teams=tuple(Team(id=t[0], name=t[1], colour=t[2], token=t[3]) for t in teams),
        illustrative=illustrative,
        review_token=review_token,
    )


class PostgisStore(RoomStateMixin):
    """Sessions and versioned concepts in PostgreSQL/PostGIS (``CODESIGN_DATABASE_URL``).

    Connecting applies the schema migrations (:mod:`codesign.storage.migrations`) and checks that the
    PostGIS extension is there (it is created when the user may). Connections come from a small
    pool shared by the threads of one process; call :meth:`close` (or use ``with``) when done.
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
        connect_args = {"connect_timeout": max(2, round(timeout_s)), "application_name": APPLICATION_NAME}
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

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection (autocommit); database problems become :class:`StoreError`."""
        try:
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

    @staticmethod
    def _lock_session(conn: psycopg.Connection, session_id: str) -> None:
        """Take the session's row lock until the transaction ends (writers of a session take turns)."""
        row = conn.execute("SELECT 1 FROM sessions WHERE id = %s FOR NO KEY UPDATE", (session_id,)).fetchone()
        if row is None:
            raise SessionNotFound(session_id=session_id)

    # ------------------------------------------------------------------ sessions
    def create_session(
        self,
        *,
        site: str,
        title: str,
        teams: Sequence[tuple[str, str | None]],
        day: date | None = None,
        session_id: str | None = None,
        illustrative: bool = False,
    ) -> Session:
        """Create a session with teams ``(name, colour or None)``; tokens are generated.

        The same rules as :meth:`codesign.storage.files.FileStore.create_session`; without
        ``session_id`` the id is the date and four random hex digits.
        """
        session = new_session(
            site=site,
            title=title,
            teams=teams,
            now=self._now(),
            day=day,
            session_id=session_id,
            illustrative=illustrative,
        )
        with self._transaction() as conn:
            self._insert_session(conn, session)
        return session

    @staticmethod
    def _insert_session(conn: psycopg.Connection, session: Session) -> None:
        rows = _session_rows(session)
        inserted = conn.execute(
            "INSERT INTO sessions (id, title, site, date, created_at, illustrative, review_token)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING RETURNING id",
            rows.session,
        ).fetchone()
        if inserted is None:
            raise CodesignError("session.exists", session_id=session.id)
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO teams (session_id, position, id, name, colour, token) VALUES (%s, %s, %s, %s, %s, %s)",
                rows.teams,
            )

    def load_session(self, session_id: str) -> Session:
        """The session with that id, or :class:`SessionNotFound`."""
        check_identifier(session_id, "session")
        with self._connection() as conn:
            row = conn.execute(_SESSION_SELECT + " WHERE s.id = %s GROUP BY s.id", (session_id,)).fetchone()
        if row is None:
            raise SessionNotFound(session_id=session_id)
        return _session_from_row(row)

    def list_sessions(self) -> list[Session]:
        """All sessions, newest first."""
        with self._connection() as conn:
            rows = conn.execute(_SESSION_SELECT + " GROUP BY s.id").fetchall()
        found = [_session_from_row(row) for row in rows]
        return sorted(found, key=lambda s: (s.date, s.created_at, s.id), reverse=True)

    def update_session(self, session: Session) -> None:
        """Rewrite session metadata (title, teams) under the session's row lock."""
        check_identifier(session.id, "session")
        if _has_nul(session.title):
            raise CodesignError("session.bad_title", limit=MAX_TITLE)
        if any(_has_nul(t.name) for t in session.teams):
            raise CodesignError("session.bad_team_name", limit=MAX_TEAM_NAME)
        rows = _session_rows(session)
        with self._transaction() as conn:
            self._lock_session(conn, session.id)
            conn.execute(
                "UPDATE sessions SET title = %s, site = %s, date = %s, created_at = %s, illustrative = %s,"
                " review_token = %s WHERE id = %s",
                (*rows.session[1:], session.id),
            )
            conn.execute("DELETE FROM teams WHERE session_id = %s", (session.id,))
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO teams (session_id, position, id, name, colour, token) VALUES (%s, %s, %s, %s, %s, %s)",
                    rows.teams,
                )

    def reissue_token(self, session_id: str, who: str) -> Session:
        """Give a team (its id) or the reviewers (``"reviewer"``) a new link; the old one stops working."""
        check_identifier(session_id, "session")
        with self._transaction() as conn:
            self._lock_session(conn, session_id)
            token = secrets.token_urlsafe(16)
            if who == "reviewer":
                conn.execute("UPDATE sessions SET review_token = %s WHERE id = %s", (token, session_id))
            else:
                changed = conn.execute(
                    "UPDATE teams SET token = %s WHERE session_id = %s AND id = %s RETURNING id",
                    (token, session_id, who),
                ).fetchone()
                if changed is None:
                    raise CodesignError("error.team_not_found", team=who)
            row = conn.execute(_SESSION_SELECT + " WHERE s.id = %s GROUP BY s.id", (session_id,)).fetchone()
        return _session_from_row(row)

    # ------------------------------------------------------------------ rounds and votes
    def _read_document(self, session_id: str, column: str) -> Any:
        check_identifier(session_id, "session")
        query = sql.SQL("SELECT {} FROM sessions WHERE id = %s").format(sql.Identifier(column))
        with self._connection() as conn:
            row = conn.execute(query, (session_id,)).fetchone()
        return row[0] if row else None

    def _update_document(
        self, session_id: str, column: str, change: Callable[[Any], Any], read: Callable[[Any], Any], write: Callable
    ) -> Any:
        check_identifier(session_id, "session")
        with self._transaction() as conn:
            self._lock_session(conn, session_id)
            select = sql.SQL("SELECT {} FROM sessions WHERE id = %s").format(sql.Identifier(column))
            new = change(read(conn.execute(select, (session_id,)).fetchone()[0]))
            _write_json(conn, session_id, column, write(new))
        return new

    # ------------------------------------------------------------------ concepts
    def latest_version(self, session_id: str, owner: str) -> int:
        """The newest version, 0 when there is none yet."""
        check_identifier(session_id, "session")
        check_identifier(owner, "team")
        with self._connection() as conn:
            return _latest(conn, session_id, owner)

    def versions(self, session_id: str, owner: str) -> list[VersionInfo]:
        """Every version, oldest first."""
        check_identifier(session_id, "session")
        check_identifier(owner, "team")
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT version, saved_at, size_bytes FROM concept_versions"
                " WHERE session_id = %s AND owner = %s ORDER BY version",
                (session_id, owner),
            ).fetchall()
        return [VersionInfo(version, _utc_text(saved_at), size) for version, saved_at, size in rows]

    def load_version(self, session_id: str, owner: str, version: int) -> Concept:
        """One stored version (``error.version_not_found`` when there is no such version)."""
        check_identifier(session_id, "session")
        check_identifier(owner, "team")
        with self._connection() as conn:
            row = conn.execute(
                "SELECT document FROM concept_versions WHERE session_id = %s AND owner = %s AND version = %s",
                (session_id, owner, version),
            ).fetchone()
        if row is None:
            raise CodesignError("error.version_not_found", version=version)
        return concept_from_geojson(row[0])

    def load_latest(self, session_id: str, owner: str) -> Concept | None:
        """The newest version; ``None`` if there is none; :class:`SessionNotFound` for no such session."""
        check_identifier(session_id, "session")
        check_identifier(owner, "team")
        with self._connection() as conn:
            row = conn.execute(
                "SELECT latest.document FROM sessions AS s LEFT JOIN LATERAL ("
                "   SELECT document FROM concept_versions AS v"
                "   WHERE v.session_id = s.id AND v.owner = %s ORDER BY v.version DESC LIMIT 1"
                ") AS latest ON true WHERE s.id = %s",
                (owner, session_id),
            ).fetchone()
        if row is None:
            raise SessionNotFound(session_id=session_id)
        return None if row[0] is None else concept_from_geojson(row[0])

    def damaged_versions(self, session_id: str) -> list[tuple[str, str, str]]:
        """Always empty: a row is written whole or not at all (:class:`SessionNotFound` for no such session)."""
        self.load_session(session_id)
        return []

    def save_concept(self, session_id: str, owner: str, concept: Concept, base_version: int | None) -> Concept:
        """Store ``concept`` as a new version and return it with version and time set.

        ``base_version`` is the version the editor started from; if another save came in
        since, :class:`SessionConflictError` carries the latest version number. ``None``
        stores it on top of whatever is latest (an import), decided under the session's row lock. Nothing is
        stored that does not read back (:func:`~codesign.domain.concept.concept_from_geojson`).
        """
        check_identifier(session_id, "session")
        check_identifier(owner, "team")
        _check_concept_text(concept)
        with self._transaction() as conn:
            self._lock_session(conn, session_id)
            latest = _latest(conn, session_id, owner)
            if base_version is not None and base_version != latest:
                raise SessionConflictError(latest=latest, base=base_version)
            saved = replace(concept, team=owner, version=latest + 1, saved_at=self._now().isoformat(timespec="seconds"))
            _insert_version(conn, session_id, owner, saved)
        return saved

    # ------------------------------------------------------------------ copying (python -m codesign store copy)
    def import_session(
        self,
        session: Session,
        concepts: Iterable[Concept],
        rounds: RoundState | None = None,
        votes: Votes | None = None,
    ) -> int:
        """Add a whole session copied from another store, in one transaction: all of it or nothing.

        Tokens, dates, version numbers and save times are kept as they are; each concept's
        ``team`` is its owner. Raises ``session.exists`` if the session is here already.
        Returns the number of versions stored.
        """
        check_identifier(session.id, "session")
        count = 0
        with self._transaction() as conn:
            self._insert_session(conn, session)
            for concept in concepts:
                check_identifier(concept.team, "team")
                _check_concept_text(concept)
                if concept.version < 1 or not concept.saved_at:
                    raise InvalidConceptError("concept.bad_field", field="version")
                _insert_version(conn, session.id, concept.team, concept)
                count += 1
            if rounds is not None:
                _write_json(conn, session.id, "rounds", state_to_json(rounds))
            if votes is not None:
                _write_json(conn, session.id, "votes", votes_to_json(*votes))
        return count


def _write_json(conn: psycopg.Connection, session_id: str, column: str, value: Any) -> None:
    """Set the session's ``rounds`` or ``votes`` column to ``value``."""
    text = _dump(value)
    if "\\u0000" in text:
        raise StoreError(reason="text with a NUL character (\\0) cannot be stored in the database")
    update = sql.SQL("UPDATE sessions SET {} = %s::jsonb WHERE id = %s").format(sql.Identifier(column))
    conn.execute(update, (text, session_id))


def _latest(conn: psycopg.Connection, session_id: str, owner: str) -> int:
    row = conn.execute(
        "SELECT coalesce(max(version), 0) FROM concept_versions WHERE session_id = %s AND owner = %s",
        (session_id, owner),
    ).fetchone()
    return int(row[0])


def _insert_version(conn: psycopg.Connection, session_id: str, owner: str, concept: Concept) -> None:
    """Insert one version row and its features, after checking that the document reads back."""
    document = _dump(concept_to_geojson(concept))
    concept_from_geojson(json.loads(document))  # never store what cannot be read back
    conn.execute(
        """
        WITH version AS (
            INSERT INTO concept_versions (session_id, owner, version, saved_at, size_bytes, document)
            VALUES (%s, %s, %s, %s::timestamptz, %s, %s::jsonb)
            RETURNING session_id, owner, version, document
        )
        INSERT INTO concept_features (session_id, owner, version, feature_id, category, kind, label, note, geom)
        SELECT v.session_id, v.owner, v.version,
               f -> 'properties' ->> 'id',
               f -> 'properties' ->> 'category',
               f -> 'properties' ->> 'kind',
               coalesce(f -> 'properties' ->> 'label', ''),
               coalesce(f -> 'properties' ->> 'note', ''),
               ST_SetSRID(ST_GeomFromGeoJSON(f -> 'geometry'), 4326)
        FROM version AS v, jsonb_array_elements(v.document -> 'features') AS f
        """,
        (session_id, owner, concept.version, concept.saved_at, len(document.encode("utf-8")), document),
    )


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
