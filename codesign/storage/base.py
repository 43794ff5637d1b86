"""Which store holds the sessions, what every store offers, and what both stores share.

Pages, the command line and the services only see :class:`Store`, the methods both stores
offer with the same guarantees (every save a new version, stale saves refused with
:class:`~codesign.errors.SessionConflictError`, nothing lost between processes). Which one is
in use is decided once, by :func:`open_store`:

- ``CODESIGN_DATABASE_URL`` set (``postgresql://user@host:5432/codesign``): the
  :class:`~codesign.storage.postgis.PostgisStore`, so several app processes or machines can share
  one workshop;
- otherwise the :class:`~codesign.storage.files.FileStore` in ``CODESIGN_SESSIONS_DIR`` (``sessions``).

Both stores build on :class:`StoreBase`, which holds what they do alike: a new session is made
by one set of rules (:func:`~codesign.domain.session.new_session`); the rounds, the votes, the
costing and the reasons are JSON documents of the session. Each store only reads and writes.

>>> import tempfile
>>> store = open_store(sessions_dir=tempfile.mkdtemp(), database_url="")
>>> type(store).__name__, isinstance(store, Store)
('FileStore', True)
"""

from __future__ import annotations

import contextlib
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Protocol, TypeVar, runtime_checkable

from typing_extensions import override

from codesign.config import settings
from codesign.domain.concept import Concept, VersionInfo
from codesign.domain.session import Session, new_session
from codesign.storage.documents import DocumentsBase, SessionDocuments
from codesign.storage.helpers import compact_json, is_database_url, os_errors_as_store_errors, store_error
from codesign.storage.room import DisputesDocument, RoomStore

__all__ = [
    "Store",
    "StoreBase",
    "compact_json",
    "is_database_url",
    "open_store",
    "os_errors_as_store_errors",
    "store_error",
]

_Value = TypeVar("_Value")


@runtime_checkable
class Store(SessionDocuments, RoomStore, Protocol):
    """What the app asks of a store: sessions, versioned concepts, the session's documents and the room.

    The documents (rounds, votes, costing, reasons, rule pack) are the protocol part
    :class:`~codesign.storage.documents.SessionDocuments`; the room (presence, desks, dispute
    votes) is :class:`~codesign.storage.room.RoomStore`.

    Identifiers are checked with :func:`codesign.domain.ids.check_identifier`
    (:class:`~codesign.errors.InvalidIdentifier`); an unknown session raises
    :class:`~codesign.errors.SessionNotFound`; a store that cannot be read or written (disk,
    database connection) raises :class:`~codesign.errors.StoreError` with the reason.
    """

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
        """Create a session with its teams; tokens are generated (``session.exists`` if the id is taken).

        Parameters
        ----------
        site
            The site's id.
        title
            The session's title (stripped, 1 to 120 characters).
        teams
            ``(name, colour or None)`` for each team, 1 to 40 of them.
        day
            The workshop's date (default: today).
        session_id
            The id to use (default: the date and four random hex digits).
        illustrative
            Whether the session holds illustrative data (the demo).

        Returns
        -------
        Session
            The session as stored.
        """
        ...

    def load_session(self, session_id: str) -> Session:
        """The session with that id.

        Parameters
        ----------
        session_id
            The session's id.

        Returns
        -------
        Session
            The stored session.
        """
        ...

    def list_sessions(self) -> list[Session]:
        """All sessions, newest first.

        Returns
        -------
        list of Session
            By date, then creation time, newest first.
        """
        ...

    def update_session(self, session: Session) -> None:
        """Rewrite a session's metadata (title, teams).

        Parameters
        ----------
        session
            The session as it is to be stored (its id names the one to rewrite).
        """
        ...

    def reissue_token(self, session_id: str, who: str) -> Session:
        """A new link for a team or the reviewers; the old one stops working.

        Parameters
        ----------
        session_id
            The session's id.
        who
            A team's id, or ``"reviewer"`` for the read-only link.

        Returns
        -------
        Session
            The session with the new token.
        """
        ...

    def latest_version(self, session_id: str, owner: str) -> int:
        """The newest version number of an owner's concept.

        Parameters
        ----------
        session_id
            The session's id.
        owner
            A team's id, ``plan`` or ``vision``.

        Returns
        -------
        int
            The number, 0 when nothing is saved yet.
        """
        ...

    def versions(self, session_id: str, owner: str) -> list[VersionInfo]:
        """Every stored version of an owner's concept, oldest first.

        Parameters
        ----------
        session_id
            The session's id.
        owner
            A team's id, ``plan`` or ``vision``.

        Returns
        -------
        list of VersionInfo
            Number, save time and size of each version.
        """
        ...

    def load_version(self, session_id: str, owner: str, version: int) -> Concept:
        """One stored version (``error.version_not_found`` if there is no such version).

        Parameters
        ----------
        session_id
            The session's id.
        owner
            A team's id, ``plan`` or ``vision``.
        version
            The version's number.

        Returns
        -------
        Concept
            That version of the concept.
        """
        ...

    def load_latest(self, session_id: str, owner: str) -> Concept | None:
        """The newest version of an owner's concept.

        Parameters
        ----------
        session_id
            The session's id.
        owner
            A team's id, ``plan`` or ``vision``.

        Returns
        -------
        Concept or None
            ``None`` when nothing is saved yet.
        """
        ...

    def save_concept(self, session_id: str, owner: str, concept: Concept, base_version: int | None) -> Concept:
        """Store ``concept`` as a new version based on ``base_version``.

        A number older than the latest raises :class:`~codesign.errors.SessionConflictError`.

        Parameters
        ----------
        session_id
            The session's id.
        owner
            A team's id, ``plan`` or ``vision``.
        concept
            What to store.
        base_version
            The version the editor started from; ``None`` means "on top of whatever is latest"
            (imports), decided atomically under the session's lock.

        Returns
        -------
        Concept
            The concept as stored, numbered and timed.
        """
        ...

    def damaged_versions(self, session_id: str) -> list[tuple[str, str, str]]:
        """Stored versions that did not read back whole.

        Parameters
        ----------
        session_id
            The session's id.

        Returns
        -------
        list of tuple
            ``(owner, name, reason)`` of each.
        """
        ...

    def snapshot(self, session_id: str | None = None) -> contextlib.AbstractContextManager[None]:
        """Read a consistent view while the block runs (a backup): the store at one moment, where it can.

        The PostGIS store reads everything in one ``REPEATABLE READ`` transaction (saves from other
        connections go on, unseen); the file store holds the named session's lock (its saves wait;
        without a session it promises nothing across sessions). Snapshots nest.

        Parameters
        ----------
        session_id
            The session to hold still, or ``None`` for the whole store.

        Returns
        -------
        contextlib.AbstractContextManager
            Reads of this thread within it see one moment.
        """
        ...


class StoreBase(DocumentsBase, DisputesDocument, Store, ABC):
    """What both stores do alike, written once; a store adds how it reads and writes.

    A store sets ``_now`` (the clock of creation and save times) and writes a new session
    (``_insert_session``), reads a session's JSON document (``_read_document``) and changes one under
    the session's lock (``_update_document``), for :class:`~codesign.storage.documents.DocumentsBase`.
    The methods are documented in :class:`Store`, which the stores implement (``@override``):
    a new session is made by the rules of :func:`~codesign.domain.session.new_session`.
    """

    _now: Callable[[], datetime]

    @abstractmethod
    def _insert_session(self, session: Session) -> None:
        """Store a new session; ``session.exists`` if one has its id."""

    @override
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
        session = new_session(
            site=site,
            title=title,
            teams=teams,
            now=self._now(),
            day=day,
            session_id=session_id,
            illustrative=illustrative,
        )
        self._insert_session(session)
        return session


def open_store(sessions_dir: str | os.PathLike[str] | None = None, database_url: str | None = None) -> Store:
    """The configured store: PostGIS when a database URL is given or set, else the sessions folder.

    Parameters
    ----------
    sessions_dir
        The sessions folder (default ``CODESIGN_SESSIONS_DIR``, or ``sessions``).
    database_url
        A PostgreSQL URL (default ``CODESIGN_DATABASE_URL``); an empty string means "no database".

    Returns
    -------
    Store
        The :class:`~codesign.storage.postgis.PostgisStore` when there is a URL, else the
        :class:`~codesign.storage.files.FileStore` in the folder.
    """
    configured = settings()
    url = (database_url if database_url is not None else configured.database_url).strip()
    if url:
        from codesign.storage.postgis import PostgisStore  # psycopg is loaded only when a database is used

        return PostgisStore(url)
    from codesign.storage.files import FileStore  # the file store builds on this module

    folder = sessions_dir if sessions_dir is not None else configured.sessions_dir
    return FileStore(folder)
