"""Back up every session of a store into one file, and restore it into a store of either kind.

    codesign backup --out codesign-2026-12-03.zip [--store DIR|URL]
    codesign restore codesign-2026-12-03.zip [--store DIR|URL] [--session SESSION ...]

The backup is a zip file: ``manifest.json`` (the format, when, from where, and per session its
versions per owner, rounds and votes), and per session ``sessions/<id>/session.json`` (links and
all), ``rounds.json``, ``votes.json``, ``costing.json``, ``reasons.json`` and ``rules.json``
when set, and every stored version as ``sessions/<id>/concepts/<owner>/v000007.geojson`` (the concept
format, with its save time).
It is written to a temporary file beside ``--out`` and renamed into place when complete, so a
backup interrupted half way never replaces the last good one.

A snapshot is consistent: from PostGIS every session is read in one ``REPEATABLE READ``
transaction (the database as it was at one moment, while the tablets go on saving); from a
sessions folder each session is read under its own lock (saves of that session wait the moment
it takes, other sessions go on). A restore adds each session whole, as ``store copy`` does (one
transaction, or a staging folder renamed into place), and refuses, before anything is written,
sessions that the store holds already.

>>> import tempfile, pathlib
>>> from codesign.storage.files import FileStore
>>> source, target = FileStore(tempfile.mkdtemp()), FileStore(tempfile.mkdtemp())
>>> s = source.create_session(site="aksu-city-square", title="Форум", teams=[("A", None)])
>>> out = pathlib.Path(tempfile.mkdtemp()) / "backup.zip"
>>> [c.session_id for c in backup_store(source, out)] == [s.id]
True
>>> [c.session_id for c in restore_backup(out, target)] == [s.id] and target.load_session(s.id) == s
True
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from codesign.domain.concept import concept_from_geojson, concept_to_geojson
from codesign.domain.rounds import state_from_json, state_to_json
from codesign.domain.session import Session, Team
from codesign.domain.votes import votes_from_json, votes_to_json
from codesign.errors import CodesignError, StoreError
from codesign.storage.base import Store, os_errors_as_store_errors
from codesign.storage.copy import DOCUMENT_READERS, CopiedSession, WholeSession, read_whole, write_whole
from codesign.storage.disk import fsync_dir

__all__ = ["BACKUP_FORMAT", "backup_store", "restore_backup"]

#: The ``format`` a backup's manifest names, and the version of its layout.
BACKUP_FORMAT = "tugan-qala-codesign-backup"
FORMAT_VERSION = 1
#: The most a restore reads of one file of a backup (a concept is at most about 6 MB).
MAX_MEMBER_BYTES = 64 * 2**20
_VERSION_FILE = re.compile(r"^sessions/([^/]+)/concepts/([^/]+)/v(\d{6})\.geojson$")


def backup_store(store: Store, out: str | os.PathLike[str], session_ids: Sequence[str] = ()) -> list[CopiedSession]:
    """Write every session of ``store`` (or the ones named) into the backup file ``out``.

    Parameters
    ----------
    store
        The store to back up (a sessions folder or PostGIS).
    out
        The backup file to write (a zip); replaced only once the new one is complete.
    session_ids
        The sessions to back up; empty for all.

    Returns
    -------
    list of CopiedSession
        What was backed up of each session, oldest first.
    """
    out = Path(out)
    with os_errors_as_store_errors():
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                done = _write_archive(store, archive, session_ids)
            handle.flush()
            os.fsync(handle.fileno())
        with os_errors_as_store_errors():
            os.replace(tmp, out)
            fsync_dir(out.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return done


def _write_archive(store: Store, archive: zipfile.ZipFile, session_ids: Sequence[str]) -> list[CopiedSession]:
    """Every session, read within the store's snapshot, then the manifest naming them."""
    done: list[CopiedSession] = []
    with store.snapshot():
        sessions = [store.load_session(i) for i in session_ids] if session_ids else store.list_sessions()[::-1]
        for session in sessions:
            with store.snapshot(session.id):
                whole = read_whole(store, store.load_session(session.id))
            _write_session(archive, whole)
            done.append(whole.copied())
    manifest = {
        "format": BACKUP_FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": repr(store),
        "sessions": [
            {"id": c.session_id, "title": c.title, "versions": c.versions, "rounds": c.rounds, "votes": c.votes}
            for c in done
        ],
    }
    archive.writestr("manifest.json", _json_bytes(manifest))
    return done


def _write_session(archive: zipfile.ZipFile, whole: WholeSession) -> None:
    folder = f"sessions/{whole.session.id}"
    archive.writestr(f"{folder}/session.json", _json_bytes(asdict(whole.session)))
    if whole.rounds is not None:
        archive.writestr(f"{folder}/rounds.json", _json_bytes(state_to_json(whole.rounds)))
    if whole.votes is not None:
        archive.writestr(f"{folder}/votes.json", _json_bytes(votes_to_json(*whole.votes)))
    for document, value in whole.documents.items():  # costing, reasons, rules
        archive.writestr(f"{folder}/{document}.json", _json_bytes(value))
    for concept in whole.concepts:
        name = f"{folder}/concepts/{concept.team}/v{concept.version:06d}.geojson"
        archive.writestr(name, _json_bytes(concept_to_geojson(concept)))


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


def restore_backup(path: str | os.PathLike[str], store: Store, session_ids: Sequence[str] = ()) -> list[CopiedSession]:
    """Add the sessions of a backup file to ``store`` (all of them, or the ones named).

    Every session is checked before anything is written: one the store already holds is refused
    (``session.exists``), as is a file that is not a backup (``backup.unreadable``).

    Parameters
    ----------
    path
        The backup file (from :func:`backup_store`).
    store
        The store to restore into (a sessions folder or PostGIS).
    session_ids
        The sessions to restore; empty for all.

    Returns
    -------
    list of CopiedSession
        What was restored of each session, in the backup's order.
    """
    with _open_backup(path) as archive:
        manifest = _read_json(archive, "manifest.json", path)
        if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
            raise CodesignError("backup.unreadable", path=str(path), reason="no backup manifest")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise CodesignError(
                "backup.unreadable", path=str(path), reason=f"format version {manifest.get('format_version')!r}"
            )
        listed = [str(entry.get("id")) for entry in manifest.get("sessions", []) if isinstance(entry, dict)]
        wanted = list(session_ids) or listed
        for session_id in wanted:
            if session_id not in listed:
                raise CodesignError("backup.no_session", path=str(path), session_id=session_id)
        present = {s.id for s in store.list_sessions()}
        for session_id in wanted:
            if session_id in present:
                raise CodesignError("session.exists", session_id=session_id)
        wholes = [_read_session(archive, session_id, path) for session_id in wanted]
    for whole in wholes:
        write_whole(store, whole)
    return [whole.copied() for whole in wholes]


@contextlib.contextmanager
def _open_backup(path: str | os.PathLike[str]) -> Iterator[zipfile.ZipFile]:
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except (zipfile.BadZipFile, OSError) as err:
        raise CodesignError("backup.unreadable", path=str(path), reason=str(err)) from None


def _read_json(archive: zipfile.ZipFile, name: str, path: str | os.PathLike[str]) -> Any:
    """One member of the backup as JSON, read no further than :data:`MAX_MEMBER_BYTES`."""
    try:
        with archive.open(name) as member:
            data = member.read(MAX_MEMBER_BYTES + 1)
        if len(data) > MAX_MEMBER_BYTES:
            raise ValueError(f"{name} is larger than {MAX_MEMBER_BYTES // 2**20} MB")
        return json.loads(data)
    except KeyError:
        raise CodesignError("backup.unreadable", path=str(path), reason=f"{name} is missing") from None
    except (ValueError, zipfile.BadZipFile, OSError) as err:
        raise CodesignError("backup.unreadable", path=str(path), reason=f"{name}: {err}") from None


def _read_session(archive: zipfile.ZipFile, session_id: str, path: str | os.PathLike[str]) -> WholeSession:
    """A session of the backup, every part parsed and checked as the stores check what they store."""
    folder = f"sessions/{session_id}"
    names = set(archive.namelist())
    try:
        raw = _read_json(archive, f"{folder}/session.json", path)
        session = Session(**{**raw, "teams": tuple(Team(**team) for team in raw["teams"])})
        if session.id != session_id:
            raise ValueError(f"{folder}/session.json names session {session.id!r}")
        rounds = (
            state_from_json(_read_json(archive, f"{folder}/rounds.json", path))
            if (f"{folder}/rounds.json" in names)
            else None
        )
        votes = (
            votes_from_json(_read_json(archive, f"{folder}/votes.json", path))
            if (f"{folder}/votes.json" in names)
            else None
        )
        documents = {}
        for document, parse in DOCUMENT_READERS.items():
            if f"{folder}/{document}.json" in names:
                documents[document] = _read_json(archive, f"{folder}/{document}.json", path)
                parse(documents[document])  # checked as the store would read it
        concepts = []
        for name in sorted(names):
            match = _VERSION_FILE.match(name)
            if match is None or match.group(1) != session_id:
                continue
            concept = concept_from_geojson(_read_json(archive, name, path))
            if concept.version != int(match.group(3)):
                raise ValueError(f"{name} holds version {concept.version}")
            concepts.append(replace(concept, team=match.group(2)))
    except CodesignError as err:
        if err.key == "backup.unreadable":
            raise
        raise CodesignError("backup.unreadable", path=str(path), reason=f"{folder}: {err.key} {err.params}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise CodesignError("backup.unreadable", path=str(path), reason=f"{folder}: {err}") from None
    if any(not c.saved_at for c in concepts):
        raise StoreError(reason=f"{path}: a version of {session_id} has no save time")
    return WholeSession(session, tuple(concepts), rounds, votes, documents=documents)
