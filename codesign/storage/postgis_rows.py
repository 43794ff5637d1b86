"""How sessions, teams and concept versions become the PostGIS store's rows, and back.

The SQL that :class:`~codesign.storage.postgis.PostgisStore` runs inside its transactions: one
function a statement (or a few that belong together), each taking the open connection. The
tables are those of :mod:`codesign.storage.migrations`. PostgreSQL cannot store the NUL
character (U+0000) in text: :func:`check_concept_text` and :func:`check_session_text` refuse it
before anything is written, naming the field.

>>> from datetime import datetime
>>> utc_text(datetime.fromisoformat("2026-12-01T15:00:00+06:00"))
'2026-12-01T09:00:00+00:00'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import psycopg
from psycopg import sql

from codesign.domain.concept import Concept, concept_from_geojson, concept_to_geojson
from codesign.domain.session import MAX_TEAM_NAME, MAX_TITLE, Session, Team
from codesign.errors import CodesignError, InvalidConceptError, SessionNotFound, StoreError
from codesign.storage.base import compact_json

__all__ = [
    "SESSION_SELECT",
    "check_concept_text",
    "check_session_text",
    "insert_session",
    "insert_version",
    "latest_version_number",
    "lock_session",
    "one_row",
    "read_document",
    "replace_session",
    "select_session",
    "select_sessions",
    "utc_text",
    "write_document",
]

#: A session's row with its teams in order (``jsonb`` of ``[id, name, colour, token]``);
#: add ``WHERE`` and ``GROUP BY s.id``.
SESSION_SELECT = """
    SELECT s.id, s.title, s.site, s.date, s.created_at, s.illustrative, s.review_token,
           coalesce(
               jsonb_agg(jsonb_build_array(t.id, t.name, t.colour, t.token) ORDER BY t.position)
                   FILTER (WHERE t.id IS NOT NULL),
               '[]'::jsonb
           )
    FROM sessions AS s LEFT JOIN teams AS t ON t.session_id = s.id
"""


def utc_text(moment: datetime) -> str:
    """A stored time as the stores give it: ISO 8601 in UTC, to the second.

    Parameters
    ----------
    moment
        A ``timestamptz`` as read.

    Returns
    -------
    str
        ``YYYY-MM-DDTHH:MM:SS+00:00``.
    """
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _has_nul(text: str) -> bool:
    return "\x00" in text


def check_concept_text(concept: Concept) -> None:
    """Refuse text PostgreSQL cannot hold (NUL) in a concept, naming the field, before anything is written.

    Parameters
    ----------
    concept
        The concept to store (``concept.bad_field`` for title, description, label, note or source).
    """
    for name in ("title", "description"):
        if _has_nul(getattr(concept, name)):
            raise InvalidConceptError("concept.bad_field", field=name)
    for feature in concept.features:
        for name in ("label", "note"):
            if _has_nul(getattr(feature, name)):
                raise InvalidConceptError("concept.bad_field", field=name)
    if concept.source is not None and "\\u0000" in compact_json(dict(concept.source)):
        raise InvalidConceptError("concept.bad_field", field="source")


def check_session_text(session: Session) -> None:
    """Refuse a title or team name with a NUL, with the message a new session would get.

    Parameters
    ----------
    session
        The session to store (``session.bad_title`` or ``session.bad_team_name``).
    """
    if _has_nul(session.title):
        raise CodesignError("session.bad_title", limit=MAX_TITLE)
    if any(_has_nul(t.name) for t in session.teams):
        raise CodesignError("session.bad_team_name", limit=MAX_TEAM_NAME)


def one_row(
    conn: psycopg.Connection,
    query: str | sql.SQL | sql.Composed,
    params: Sequence[Any],
    missing: Callable[[], CodesignError],
) -> tuple[Any, ...]:
    """The first row a statement returns; when it returns none, the error ``missing`` makes.

    Parameters
    ----------
    conn
        The open connection.
    query
        The statement.
    params
        Its parameters.
    missing
        Makes the error to raise when there is no row (``SessionNotFound``, ...).

    Returns
    -------
    tuple
        The row.
    """
    row = conn.execute(query, params).fetchone()
    if row is None:
        raise missing()
    return row


def lock_session(conn: psycopg.Connection, session_id: str) -> None:
    """Take the session's row lock until the transaction ends (writers of a session take turns).

    Parameters
    ----------
    conn
        A connection inside a transaction.
    session_id
        The session's id (:class:`~codesign.errors.SessionNotFound` if there is none).
    """
    one_row(
        conn,
        "SELECT 1 FROM sessions WHERE id = %s FOR NO KEY UPDATE",
        (session_id,),
        lambda: SessionNotFound(session_id=session_id),
    )


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


def _session_from_row(row: Sequence[Any]) -> Session:
    session_id, title, site, day, created_at, illustrative, review_token, teams = row
    return Session(
        id=session_id,
        title=title,
        site=site,
        date=day.isoformat(),
        created_at=utc_text(created_at),
        teams=tuple(Team(id=t[0], name=t[1], colour=t[2], token=t[3]) for t in teams),
        illustrative=illustrative,
        review_token=review_token,
    )


def select_session(conn: psycopg.Connection, session_id: str) -> Session:
    """Read one session and its teams.

    Parameters
    ----------
    conn
        The open connection.
    session_id
        The session's id (:class:`~codesign.errors.SessionNotFound` if there is none).

    Returns
    -------
    Session
        As stored.
    """
    row = one_row(
        conn,
        SESSION_SELECT + " WHERE s.id = %s GROUP BY s.id",
        (session_id,),
        lambda: SessionNotFound(session_id=session_id),
    )
    return _session_from_row(row)


def select_sessions(conn: psycopg.Connection) -> list[Session]:
    """Read every session and its teams.

    Parameters
    ----------
    conn
        The open connection.

    Returns
    -------
    list of Session
        In no particular order.
    """
    return [_session_from_row(row) for row in conn.execute(SESSION_SELECT + " GROUP BY s.id").fetchall()]


def _insert_teams(conn: psycopg.Connection, teams: list[tuple[Any, ...]]) -> None:
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO teams (session_id, position, id, name, colour, token) VALUES (%s, %s, %s, %s, %s, %s)",
            teams,
        )


def insert_session(conn: psycopg.Connection, session: Session) -> None:
    """Insert a new session and its teams (``session.exists`` if one has its id).

    Parameters
    ----------
    conn
        A connection inside a transaction.
    session
        The new session.
    """
    rows = _session_rows(session)
    one_row(
        conn,
        "INSERT INTO sessions (id, title, site, date, created_at, illustrative, review_token)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING RETURNING id",
        rows.session,
        lambda: CodesignError("session.exists", session_id=session.id),
    )
    _insert_teams(conn, rows.teams)


def replace_session(conn: psycopg.Connection, session: Session) -> None:
    """Rewrite a stored session's columns and its teams (call with its row lock held).

    Parameters
    ----------
    conn
        A connection inside a transaction.
    session
        The session as it is to be stored.
    """
    rows = _session_rows(session)
    conn.execute(
        "UPDATE sessions SET title = %s, site = %s, date = %s, created_at = %s, illustrative = %s,"
        " review_token = %s WHERE id = %s",
        (*rows.session[1:], session.id),
    )
    conn.execute("DELETE FROM teams WHERE session_id = %s", (session.id,))
    _insert_teams(conn, rows.teams)


def read_document(conn: psycopg.Connection, session_id: str, name: str) -> Any:
    """The session's ``rounds``, ``votes``, ``costing``, ``reasons`` or ``rules`` column.

    Parameters
    ----------
    conn
        The open connection.
    session_id
        The session's id.
    name
        ``rounds``, ``votes``, ``costing``, ``reasons`` (migration 0004) or ``rules`` (0006).

    Returns
    -------
    Any
        The JSON document, ``None`` when none is set (or there is no such session).
    """
    query = sql.SQL("SELECT {} FROM sessions WHERE id = %s").format(sql.Identifier(name))
    row = conn.execute(query, (session_id,)).fetchone()
    return row[0] if row else None


def write_document(conn: psycopg.Connection, session_id: str, name: str, value: Any) -> None:
    """Set the session's ``rounds``, ``votes``, ``costing``, ``reasons`` or ``rules`` column to ``value``.

    Parameters
    ----------
    conn
        A connection inside a transaction.
    session_id
        The session's id.
    name
        ``rounds``, ``votes``, ``costing``, ``reasons`` (migration 0004) or ``rules`` (0006).
    value
        The JSON document (text with a NUL raises :class:`~codesign.errors.StoreError`).
    """
    text = compact_json(value)
    if "\\u0000" in text:
        raise StoreError(reason="text with a NUL character (\\0) cannot be stored in the database")
    update = sql.SQL("UPDATE sessions SET {} = %s::jsonb WHERE id = %s").format(sql.Identifier(name))
    conn.execute(update, (text, session_id))


def latest_version_number(conn: psycopg.Connection, session_id: str, owner: str) -> int:
    """The number of an owner's newest version.

    Parameters
    ----------
    conn
        The open connection.
    session_id
        The session's id.
    owner
        A team's id, ``plan`` or ``vision``.

    Returns
    -------
    int
        0 when none is stored.
    """
    row = conn.execute(
        "SELECT coalesce(max(version), 0) FROM concept_versions WHERE session_id = %s AND owner = %s",
        (session_id, owner),
    ).fetchone()
    return int(row[0]) if row else 0


def insert_version(conn: psycopg.Connection, session_id: str, owner: str, concept: Concept) -> None:
    """Insert one version row and its features, after checking that the document reads back.

    The features are taken from the stored document as migration 0002 took them from the
    versions already stored then; a released migration is never edited, so a change here (a new
    column) is a new migration, not an edit of that one.

    Parameters
    ----------
    conn
        A connection inside a transaction.
    session_id
        The session's id.
    owner
        A team's id, ``plan`` or ``vision``.
    concept
        The version, its number and save time set.
    """
    document = compact_json(concept_to_geojson(concept))
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
