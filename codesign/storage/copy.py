"""Copy sessions between stores: ``python -m codesign store copy --from SRC --to DST``.

SRC and DST are each a sessions folder or a PostgreSQL URL (``postgresql://...``), so a
workshop moves from the files to a shared database and back. Each session is copied whole:
its metadata and links (tokens unchanged, so printed QR codes keep working), every stored
version of every concept with its version number and save time, the rounds, the votes, the
costing (price list and budget), the room's reasons, an uploaded rule pack and the dispute vote.

A session is copied all or nothing: into a database in one transaction, into a folder through
a staging folder that is renamed into place once complete and read back. A session that is
already in the target is refused before anything is copied (``session.exists``). Versions a
file store set aside as damaged are not copied; they are counted in the result.

>>> import tempfile
>>> from codesign.storage.files import FileStore
>>> source, target = FileStore(tempfile.mkdtemp()), FileStore(tempfile.mkdtemp())
>>> s = source.create_session(site="aksu-city-square", title="Forum", teams=[("A", None)])
>>> [c.session_id for c in copy_sessions(source, target)] == [s.id]
True
>>> target.load_session(s.id) == s
True
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from codesign.domain.concept import Concept
from codesign.domain.disputes import disputes_from_json, disputes_to_json
from codesign.domain.prices import SessionCosting, costing_from_json, costing_to_json
from codesign.domain.reasons import reasons_from_json, reasons_to_json
from codesign.domain.rounds import RoundState
from codesign.domain.rules import StoredPack
from codesign.domain.session import PLAN_OWNER, VISION_OWNER, Session
from codesign.domain.votes import Votes, VotingRules
from codesign.errors import CodesignError, StoreError
from codesign.storage.base import Store, is_database_url, os_errors_as_store_errors, store_error
from codesign.storage.disk import write_version
from codesign.storage.files import FileStore

__all__ = [
    "DOCUMENT_READERS",
    "CopiedSession",
    "WholeSession",
    "copy_sessions",
    "open_location",
    "read_whole",
    "session_owners",
    "write_whole",
]

#: A session's other documents as JSON, each with the reader that checks it (a restore reads them so).
DOCUMENT_READERS: dict[str, Callable[[Any], object]] = {
    "costing": costing_from_json,
    "reasons": reasons_from_json,
    "rules": StoredPack.from_json,
    "disputes": disputes_from_json,
}

#: Prefix of the staging folders of copies into a sessions folder (never listed as sessions).
STAGING_PREFIX = ".copy-"


@dataclass(frozen=True)
class CopiedSession:
    """What was copied of one session."""

    session_id: str
    title: str
    #: Versions copied per owner (team id, ``plan``, ``vision``), owners without versions left out.
    versions: dict[str, int] = field(default_factory=dict)
    rounds: bool = False
    votes: bool = False
    #: Versions the source had set aside as damaged (not copied).
    damaged_skipped: int = 0
    #: The session's other documents copied (``costing``, ``reasons``, ``rules``, ``disputes``).
    documents: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line for the terminal.

        Returns
        -------
        str
            The session, its versions per owner, rounds, votes and damaged versions left behind.
        """
        counts = ", ".join(f"{owner} {n}" for owner, n in self.versions.items()) or "none"
        extra = [what for what, copied in (("rounds", self.rounds), ("votes", self.votes)) if copied]
        line = f"{self.session_id} ({self.title}): versions {counts}"
        if extra:
            line += "; " + " and ".join(extra)
        if self.damaged_skipped:
            line += f"; {self.damaged_skipped} damaged version(s) in the source not copied"
        if self.documents:
            line += "; " + ", ".join(self.documents)
        return line


def open_location(location: str) -> Store:
    """The store at ``location``: a PostgreSQL URL or a sessions folder.

    Parameters
    ----------
    location
        ``postgresql://...`` or a folder.

    Returns
    -------
    Store
        The PostGIS store or the file store there.
    """
    if is_database_url(location):
        from codesign.storage.postgis import PostgisStore

        return PostgisStore(location)
    return FileStore(location)


def session_owners(session: Session) -> list[str]:
    """Everyone who may have concepts in a session: its teams, the plan and the joint vision.

    Parameters
    ----------
    session
        The session.

    Returns
    -------
    list of str
        The teams' ids, then ``plan`` and ``vision``.
    """
    return [team.id for team in session.teams] + [PLAN_OWNER, VISION_OWNER]


def copy_sessions(source: Store, target: Store, session_ids: Sequence[str] = ()) -> list[CopiedSession]:
    """Copy the given sessions (default: all), oldest first.

    A session already in the target is refused (``session.exists``) before anything is copied.

    Parameters
    ----------
    source
        The store to copy from.
    target
        The store to copy into (a file store or the PostGIS store).
    session_ids
        The sessions to copy; empty for all.

    Returns
    -------
    list of CopiedSession
        What was copied of each session.
    """
    sessions = [source.load_session(i) for i in session_ids] if session_ids else source.list_sessions()[::-1]
    present = {s.id for s in target.list_sessions()}
    for session in sessions:
        if session.id in present:
            raise CodesignError("session.exists", session_id=session.id)
    return [_copy_one(source, target, session) for session in sessions]


@dataclass(frozen=True)
class WholeSession:
    """A session with everything stored about it, as read from one store (to copy or back up)."""

    session: Session
    #: Every readable version of every owner, oldest first, each with its owner as ``team`` and its save time.
    concepts: tuple[Concept, ...]
    #: The round state and the votes, ``None`` when never set.
    rounds: RoundState | None = None
    votes: Votes | None = None
    #: Versions the source had set aside as damaged (not read).
    damaged_skipped: int = 0
    #: The session's other documents as JSON (``costing``, ``reasons``, ``rules``, ``disputes``), those never
    #: set left out.
    documents: Mapping[str, Any] = field(default_factory=dict)

    def copied(self) -> CopiedSession:
        """What was copied, for the terminal.

        Returns
        -------
        CopiedSession
            Versions per owner, rounds, votes and damaged versions left behind.
        """
        counts: dict[str, int] = {}
        for concept in self.concepts:
            counts[concept.team] = counts.get(concept.team, 0) + 1
        session = self.session
        return CopiedSession(
            session.id,
            session.title,
            counts,
            self.rounds is not None,
            self.votes is not None,
            self.damaged_skipped,
            tuple(self.documents),
        )


def read_whole(source: Store, session: Session) -> WholeSession:
    """Read a session whole: every version of every owner, the rounds and the votes.

    Parameters
    ----------
    source
        The store to read.
    session
        The session (as ``source`` holds it).

    Returns
    -------
    WholeSession
        Everything stored about the session.
    """
    concepts: list[Concept] = []
    for owner in session_owners(session):
        for info in source.versions(session.id, owner):
            concept = source.load_version(session.id, owner, info.version)
            concepts.append(replace(concept, team=owner, saved_at=concept.saved_at or info.saved_at))
    rounds = source.load_rounds(session.id)
    votes = source.load_votes(session.id)
    return WholeSession(
        session,
        tuple(concepts),
        rounds if rounds != RoundState() else None,
        votes if votes != (VotingRules(), ()) else None,
        len(source.damaged_versions(session.id)),
        _documents(source, session.id),
    )


def write_whole(target: Store, whole: WholeSession) -> None:
    """Add a whole session to a store, all or nothing (``session.exists`` if it is there already).

    Parameters
    ----------
    target
        A file store or the PostGIS store.
    whole
        The session and everything stored about it.
    """
    import_session = getattr(target, "import_session", None)  # the PostGIS store's: one transaction
    if isinstance(target, FileStore):
        _copy_into_folder(target, whole.session, list(whole.concepts), whole.rounds, whole.votes, whole.documents)
    elif import_session is not None:
        import_session(whole.session, whole.concepts, whole.rounds, whole.votes, whole.documents)
    else:
        raise TypeError(f"cannot copy sessions into {target!r}")


def _documents(source: Store, session_id: str) -> dict[str, Any]:
    """The session's costing, reasons, uploaded rule pack and dispute vote as JSON documents (those set)."""
    found: dict[str, Any] = {}
    costing = source.load_costing(session_id)
    if costing != SessionCosting():
        found["costing"] = costing_to_json(costing)
    reasons = source.load_reasons(session_id)
    if reasons:
        found["reasons"] = reasons_to_json(reasons)
    pack = source.load_rules(session_id)
    if pack is not None:
        found["rules"] = pack.to_json()
    disputes = source.load_disputes(session_id)
    if disputes.status != "none":
        found["disputes"] = disputes_to_json(disputes)
    return found


def _copy_one(source: Store, target: Store, session: Session) -> CopiedSession:
    whole = read_whole(source, session)
    write_whole(target, whole)
    return whole.copied()


def _copy_into_folder(
    target: FileStore,
    session: Session,
    concepts: list[Concept],
    rounds: RoundState | None,
    votes: Votes | None,
    documents: Mapping[str, Any],
) -> None:
    """Build the session in a staging folder beside the sessions, read it back, rename it into place."""
    with os_errors_as_store_errors():
        target.root.mkdir(parents=True, exist_ok=True)
        staging_root = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target.root))
    try:
        staging = FileStore(staging_root)
        staging.create_session(
            site=session.site,
            title=session.title,
            teams=[(team.name, team.colour) for team in session.teams],
            day=date.fromisoformat(session.date),
            session_id=session.id,
            illustrative=session.illustrative,
        )
        staging.update_session(session)  # the original ids, tokens and creation time
        for concept in concepts:
            _write_version(staging_root / session.id, concept)
        if rounds is not None:
            staging.update_rounds(session.id, lambda _: rounds)
        if votes is not None:
            staging.update_votes(session.id, lambda _: votes)
        if "costing" in documents:
            staging.update_costing(session.id, lambda _: costing_from_json(documents["costing"]))
        if "reasons" in documents:
            staging.update_reasons(session.id, lambda _: reasons_from_json(documents["reasons"]))
        if "rules" in documents:
            staging.save_rules(session.id, StoredPack.from_json(documents["rules"]))
        if "disputes" in documents:
            staging.update_disputes(session.id, lambda _: disputes_from_json(documents["disputes"]))
        _check_read_back(FileStore(staging_root), session, concepts)
        try:
            os.rename(staging_root / session.id, target.root / session.id)
        except OSError as err:
            if (target.root / session.id).exists():
                raise CodesignError("session.exists", session_id=session.id) from None
            raise store_error(err) from err
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)


def _write_version(session_folder: Path, concept: Concept) -> None:
    """Write one version file as the file store does, dated by its save time."""
    path = write_version(session_folder / "concepts" / concept.team, concept)
    if concept.saved_at:
        with contextlib.suppress(ValueError), os_errors_as_store_errors():
            moment = datetime.fromisoformat(concept.saved_at).timestamp()
            os.utime(path, (moment, moment))  # the file store reports a version's time from the file's


def _check_read_back(staging: FileStore, session: Session, concepts: list[Concept]) -> None:
    """Every copied version reads back the same through the file store, before it is put in place."""
    if staging.load_session(session.id) != session:
        raise StoreError(reason=f"session {session.id} did not read back the same")
    for concept in concepts:
        again = staging.load_version(session.id, concept.team, concept.version)
        if again != concept:
            raise StoreError(reason=f"{session.id}/{concept.team} version {concept.version} did not read back the same")
