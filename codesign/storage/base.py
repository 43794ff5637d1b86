"""Which store holds the sessions: the file store (default) or a shared PostGIS database.

Pages, the command line and the analysis only see :class:`Store`, the methods both stores
offer with the same guarantees (every save a new version, stale saves refused with
:class:`~codesign.errors.SessionConflictError`, nothing lost between processes). Which one is
in use is decided once, by :func:`open_store`:

- ``CODESIGN_DATABASE_URL`` set (``postgresql://user@host:5432/codesign``): the
  :class:`~codesign.storage.postgis.PostgisStore`, so several app processes or machines can share
  one workshop;
- otherwise the :class:`~codesign.storage.files.FileStore` in ``CODESIGN_SESSIONS_DIR`` (``sessions``).

>>> import tempfile
>>> store = open_store(sessions_dir=tempfile.mkdtemp(), database_url="")
>>> type(store).__name__, isinstance(store, Store)
('FileStore', True)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol, runtime_checkable

from codesign.config import settings
from codesign.domain.concept import Concept, VersionInfo
from codesign.domain.rounds import RoundState
from codesign.domain.session import Session
from codesign.domain.votes import Vote, VotingRules
from codesign.storage.files import FileStore

__all__ = ["Store", "is_database_url", "open_store"]


#: The votes of a session: the rules and every dot placed.
Votes = tuple[VotingRules, tuple[Vote, ...]]


@runtime_checkable
class Store(Protocol):
    """What the app asks of a store: sessions, versioned concepts, rounds and votes.

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
        """Create a session with teams ``(name, colour or None)``; tokens are generated."""
        ...

    def load_session(self, session_id: str) -> Session:
        """The session with that id."""
        ...

    def list_sessions(self) -> list[Session]:
        """All sessions, newest first."""
        ...

    def update_session(self, session: Session) -> None:
        """Rewrite a session's metadata (title, teams)."""
        ...

    def reissue_token(self, session_id: str, who: str) -> Session:
        """A new link for a team (its id) or the reviewers (``"reviewer"``); the old one stops working."""
        ...

    def latest_version(self, session_id: str, owner: str) -> int:
        """The newest version number of an owner's concept, 0 when none is saved."""
        ...

    def versions(self, session_id: str, owner: str) -> list[VersionInfo]:
        """Every stored version of an owner's concept, oldest first."""
        ...

    def load_version(self, session_id: str, owner: str, version: int) -> Concept:
        """One stored version (``error.version_not_found`` if there is no such version)."""
        ...

    def load_latest(self, session_id: str, owner: str) -> Concept | None:
        """The newest version, or ``None`` when nothing is saved yet."""
        ...

    def save_concept(self, session_id: str, owner: str, concept: Concept, base_version: int | None) -> Concept:
        """Store ``concept`` as a new version based on ``base_version``; returns it numbered and timed.

        ``None`` means "on top of whatever is latest" (imports), decided atomically under the
        session's lock; a number older than the latest raises
        :class:`~codesign.errors.SessionConflictError`.
        """
        ...

    def damaged_versions(self, session_id: str) -> list[tuple[str, str, str]]:
        """Stored versions that did not read back whole: ``(owner, name, reason)``."""
        ...

    def load_rounds(self, session_id: str) -> RoundState:
        """The workshop's rounds and where it is in them."""
        ...

    def update_rounds(self, session_id: str, change: Callable[[RoundState], RoundState]) -> RoundState:
        """Apply one transition to the stored round state, atomically."""
        ...

    def load_votes(self, session_id: str) -> Votes:
        """The voting rules and every dot placed."""
        ...

    def update_votes(self, session_id: str, change: Callable[[Votes], Votes]) -> Votes:
        """Apply one change (a dot, new rules) to the stored votes, atomically."""
        ...


def is_database_url(location: str) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a sessions folder.

    >>> is_database_url("postgresql://codesign@db.local/codesign"), is_database_url("sessions")
    (True, False)
    """
    return location.startswith(("postgresql://", "postgres://"))


def open_store(sessions_dir: str | os.PathLike[str] | None = None, database_url: str | None = None) -> Store:
    """The configured store: PostGIS when a database URL is given or set, else the sessions folder.

    ``database_url`` (or, when it is ``None``, ``CODESIGN_DATABASE_URL``) selects the
    :class:`~codesign.storage.postgis.PostgisStore`; an empty string means "no database".
    Otherwise the :class:`~codesign.storage.files.FileStore` in ``sessions_dir`` (or
    ``CODESIGN_SESSIONS_DIR``, or ``sessions``).
    """
    configured = settings()
    url = (database_url if database_url is not None else configured.database_url).strip()
    if url:
        from codesign.storage.postgis import PostgisStore  # psycopg is loaded only when a database is used

        return PostgisStore(url)
    folder = sessions_dir if sessions_dir is not None else configured.sessions_dir
    return FileStore(folder)
