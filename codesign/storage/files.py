"""The file store: the only code that touches the sessions folder.

Layout (one folder per workshop session)::

    sessions/<session>/session.json           title, site, date, teams and their tokens
    sessions/<session>/.lock                  serialises writers (flock), across processes
    sessions/<session>/concepts/<owner>/v000001.geojson   one file per saved version
    sessions/<session>/concepts/<owner>/damaged/          version files that did not read back

Every save writes a *new* version file (temp file, fsync, ``os.replace``, fsync of the
folder) under an exclusive lock; a save based on an older version than the latest raises
:class:`SessionConflictError`, it never overwrites. A version file that does not read back
whole (truncated, garbage, not a concept) is moved to ``damaged/`` under its own name the
first time the store meets it, never deleted, and listed by :meth:`FileStore.damaged_versions`;
its number is never given to a new version. Temporary files left by a process killed while
saving are removed by the next save.

How files are written (atomically, under locks) is :mod:`codesign.storage.disk`. The folder
also keeps the facilitator's generated secret (:mod:`codesign.storage.secret_file`).

>>> import tempfile
>>> store = FileStore(tempfile.mkdtemp())
>>> s = store.create_session(site="aksu-city-square", title="Demo", teams=[("Team A", None)])
>>> [t.name for t in s.teams]
['Team A']
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from typing_extensions import override

from codesign.domain.concept import Concept, VersionInfo, concept_from_geojson
from codesign.domain.desks import DeskGrant
from codesign.domain.ids import check_identifier
from codesign.domain.session import Session, Team
from codesign.errors import (
    CodesignError,
    InvalidConceptError,
    SessionConflictError,
    SessionNotFound,
    StoreError,
)
from codesign.storage.base import StoreBase, compact_json, os_errors_as_store_errors, store_error
from codesign.storage.disk import (
    folder_locked,
    fsync_dir,
    remove_temp_files,
    version_file_name,
    write_atomic,
    write_version,
)
from codesign.storage.room import grant_from_json, grant_to_json

__all__ = ["DAMAGED_DIR", "DESKS_FILE", "FileStore"]

_VERSION_FILE = re.compile(r"^v(\d{6})\.geojson$")
#: A file set aside keeps its name (a numeric suffix is added only if that name is taken).
_SET_ASIDE_FILE = re.compile(r"^v(\d{6})\.geojson(?:\.\d+)?$")
#: Sub-folder of ``concepts/<owner>/`` for version files that did not read back whole.
DAMAGED_DIR = "damaged"
#: The signed-in desks' grants (digests and bindings, never tokens), in the sessions folder (mode 600).
DESKS_FILE = ".desks.json"
#: Sub-folder of a session: one empty file per team, its modification time the tablet's last heartbeat.
PRESENCE_DIR = "presence"

_Value = TypeVar("_Value")


def _damage_reason(err: BaseException) -> str:
    """Why a version file did not read back, in a short English phrase for logs and pages."""
    if isinstance(err, json.JSONDecodeError):
        return f"not valid JSON ({err.msg} at byte {err.pos})"
    if isinstance(err, UnicodeDecodeError):
        return f"not UTF-8 text (byte {err.start})"
    if isinstance(err, RecursionError):
        return "nested too deeply"
    if isinstance(err, CodesignError):
        return f"not a concept file: {err}"[:300]
    return f"not a concept file: {type(err).__name__}: {err}"[:300]


#: What reading a version file may raise that says nothing about the file: not damage.
_NOT_DAMAGE = (OSError, MemoryError)


class FileStore(StoreBase):
    """Sessions and versioned concepts in a folder (``CODESIGN_SESSIONS_DIR``).

    Parameters
    ----------
    root
        The sessions folder (made on the first session).
    now
        The clock of creation and save times (default: the current UTC time).
    """

    def __init__(self, root: str | os.PathLike[str], now: Callable[[], datetime] | None = None) -> None:
        self.root = Path(root)
        self._now = now or (lambda: datetime.now(UTC))
        # Version files already read back whole, by path: (inode, size, mtime). A version file
        # never changes once written, so each is read at most once per store object.
        self._read_back_whole: dict[str, tuple[int, int, int]] = {}
        # Sessions whose lock this thread holds: taking it again within (a snapshot) does not wait on itself.
        self._held = threading.local()

    # ------------------------------------------------------------------ sessions
    def _session_dir(self, session_id: str) -> Path:
        return self.root / check_identifier(session_id, "session")

    @override
    @contextlib.contextmanager
    def snapshot(self, session_id: str | None = None) -> Iterator[None]:
        if session_id is None:  # sessions are independent folders: nothing to hold across them
            yield
            return
        with self._locked(session_id):
            yield

    @contextlib.contextmanager
    def _locked(self, session_id: str) -> Iterator[Path]:
        folder = self._session_dir(session_id)
        if not (folder / "session.json").is_file():
            raise SessionNotFound(session_id=session_id)
        held: set[str] = self._held.__dict__.setdefault("sessions", set())
        if session_id in held:  # this thread holds it already (flock would wait on our own other handle)
            yield folder
            return
        handle: IO[bytes]
        try:
            handle = open(folder / ".lock", "a+b")  # noqa: SIM115 - closed by the with below
        except OSError as err:
            try:  # a read-only folder: an existing lock file can still be locked
                handle = open(folder / ".lock", "rb")  # noqa: SIM115 - closed by the with below
            except OSError:
                raise store_error(err) from err
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            held.add(session_id)
            try:
                yield folder
            finally:
                held.discard(session_id)
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _insert_session(self, session: Session) -> None:
        folder = self._session_dir(session.id)
        with os_errors_as_store_errors():
            try:
                folder.mkdir(parents=True, exist_ok=False)
            except FileExistsError:
                raise CodesignError("session.exists", session_id=session.id) from None
            write_atomic(folder / "session.json", _dump(asdict(session)))

    def _write_session(self, folder: Path, session: Session) -> None:
        """With the session's lock held: rewrite ``session.json``."""
        remove_temp_files(folder)
        with os_errors_as_store_errors():
            write_atomic(folder / "session.json", _dump(asdict(session)))

    @override
    def load_session(self, session_id: str) -> Session:
        path = self._session_dir(session_id) / "session.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SessionNotFound(session_id=session_id) from None
        teams = tuple(Team(**t) for t in raw.pop("teams"))
        return Session(teams=teams, **raw)

    @override
    def list_sessions(self) -> list[Session]:
        # A folder whose session.json does not read is left out.
        if not self.root.is_dir():
            return []
        found = []
        for child in self.root.iterdir():
            if (child / "session.json").is_file():
                with contextlib.suppress(CodesignError, ValueError, TypeError, KeyError):
                    found.append(self.load_session(child.name))
        return sorted(found, key=lambda s: (s.date, s.created_at, s.id), reverse=True)

    @override
    def update_session(self, session: Session) -> None:
        with self._locked(session.id) as folder:
            self._write_session(folder, session)

    @override
    def reissue_token(self, session_id: str, who: str) -> Session:
        with self._locked(session_id) as folder:
            session = self.load_session(session_id)
            if who == "reviewer":
                session = replace(session, review_token=secrets.token_urlsafe(16))
            else:
                session.team(who)
                teams = tuple(replace(t, token=secrets.token_urlsafe(16)) if t.id == who else t for t in session.teams)
                session = replace(session, teams=teams)
            self._write_session(folder, session)
            return session

    # ------------------------------------------------------------------ rounds and votes
    def _read_document(self, session_id: str, name: str) -> dict[str, Any] | None:
        path = self._session_dir(session_id) / f"{name}.json"
        try:
            document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError:
            return None  # a damaged file reads as "nothing set yet"; the next write replaces it
        return document

    def _update_document(self, session_id: str, name: str, apply: Callable[[Any], tuple[_Value, Any]]) -> _Value:
        with self._locked(session_id) as folder:
            new, document = apply(self._read_document(session_id, name))
            remove_temp_files(folder)
            with os_errors_as_store_errors():
                write_atomic(folder / f"{name}.json", _dump(document))
            return new

    # ------------------------------------------------------------------ presence and desks
    def _existing_session_dir(self, session_id: str) -> Path:
        folder = self._session_dir(session_id)
        if not (folder / "session.json").is_file():
            raise SessionNotFound(session_id=session_id)
        return folder

    @override
    def record_presence(self, session_id: str, team_id: str) -> None:
        # A heartbeat is the file's modification time: no lock, no fsync (presence is not history).
        folder = self._existing_session_dir(session_id)
        path = folder / PRESENCE_DIR / check_identifier(team_id, "team")
        moment = self._now().timestamp()
        with os_errors_as_store_errors():
            path.parent.mkdir(exist_ok=True)
            path.touch()
            os.utime(path, (moment, moment))

    @override
    def presence(self, session_id: str) -> dict[str, float]:
        folder = self._existing_session_dir(session_id) / PRESENCE_DIR
        seen: dict[str, float] = {}
        with contextlib.suppress(FileNotFoundError), os.scandir(folder) as entries:
            for entry in entries:
                with contextlib.suppress(OSError, CodesignError):
                    seen[check_identifier(entry.name, "team")] = entry.stat(follow_symlinks=False).st_mtime
        return seen

    def _read_desks(self) -> dict[str, Any]:
        try:
            data = json.loads((self.root / DESKS_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError:
            return {}  # a damaged file signs every desk out (it fails closed); the next sign-in replaces it
        return data if isinstance(data, dict) else {}

    def _change_desks(self, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        with os_errors_as_store_errors():
            self.root.mkdir(parents=True, exist_ok=True)
            with folder_locked(self.root):
                remove_temp_files(self.root)
                write_atomic(self.root / DESKS_FILE, _dump(change(self._read_desks())))

    @override
    def add_desk(self, grant: DeskGrant) -> None:
        now = self._now()

        def add(desks: dict[str, Any]) -> dict[str, Any]:
            kept = {d: g for d, g in desks.items() if datetime.fromisoformat(g["expires_at"]) > now}
            return kept | {grant.digest: grant_to_json(grant)}

        self._change_desks(add)

    @override
    def find_desk(self, digest: str) -> DeskGrant | None:
        data = self._read_desks().get(digest)
        try:
            return grant_from_json(data) if isinstance(data, dict) else None
        except (KeyError, TypeError, ValueError):
            return None

    @override
    def revoke_desks(self, digest: str | None = None) -> int:
        removed = 0

        def revoke(desks: dict[str, Any]) -> dict[str, Any]:
            nonlocal removed
            kept = {} if digest is None else {d: g for d, g in desks.items() if d != digest}
            removed = len(desks) - len(kept)
            return kept

        self._change_desks(revoke)
        return removed

    @override
    def desks(self) -> list[DeskGrant]:
        found = []
        for data in self._read_desks().values():
            with contextlib.suppress(KeyError, TypeError, ValueError):
                found.append(grant_from_json(data))
        return sorted(found, key=lambda g: g.issued_at)

    # ------------------------------------------------------------------ concepts
    def _owner_dir(self, folder: Path, owner: str) -> Path:
        return folder / "concepts" / check_identifier(owner, "team")

    def _version_numbers(self, owner_dir: Path) -> list[int]:
        """Numbers of the version files in the owner's folder (read or not), ascending."""
        if not owner_dir.is_dir():
            return []
        return sorted(int(m.group(1)) for name in os.listdir(owner_dir) if (m := _VERSION_FILE.match(name)))

    def _set_aside_numbers(self, owner_dir: Path) -> list[int]:
        """Numbers of the version files moved to ``damaged/`` (never given out again)."""
        damaged = owner_dir / DAMAGED_DIR
        if not damaged.is_dir():
            return []
        return sorted(int(m.group(1)) for name in os.listdir(damaged) if (m := _SET_ASIDE_FILE.match(name)))

    def _read(self, owner_dir: Path, number: int) -> Concept:
        path = owner_dir / version_file_name(number)
        raw = path.read_bytes()
        concept = concept_from_geojson(json.loads(raw))
        if concept.version != number:
            raise InvalidConceptError("concept.bad_field", field="version")
        self._remember_whole(path)
        return concept

    def _remember_whole(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            stat = path.stat()
            self._read_back_whole[str(path)] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def _reads_back(self, owner_dir: Path, number: int) -> bool | None:
        """Whether a version file reads back whole: True, False (damaged), None (cannot read it now)."""
        path = owner_dir / version_file_name(number)
        try:
            stat = path.stat()
            if self._read_back_whole.get(str(path)) == (stat.st_ino, stat.st_size, stat.st_mtime_ns):
                return True
            self._read(owner_dir, number)
        except _NOT_DAMAGE:
            return None  # gone (set aside meanwhile) or unreadable for now (permissions, I/O, memory)
        except Exception:  # noqa: BLE001 - whatever a file makes the reader raise, the file is damaged
            return False
        return True

    def _move_if_damaged(self, owner_dir: Path, number: int) -> bool:
        """With the session lock held: move a version file that does not read back to ``damaged/``."""
        if self._reads_back(owner_dir, number) is not False:
            return False  # checked again under the lock: whole, gone, or unreadable only for now
        name = version_file_name(number)
        target_dir = owner_dir / DAMAGED_DIR
        target_dir.mkdir(exist_ok=True)
        target = target_dir / name
        suffix = 1
        while target.exists():
            suffix += 1
            target = target_dir / f"{name}.{suffix}"
        os.rename(owner_dir / name, target)
        fsync_dir(target_dir)
        fsync_dir(owner_dir)
        return True

    def _set_aside(self, session_id: str, owner_dir: Path, number: int) -> None:
        """Take the session lock and set a damaged version file aside; on a read-only disk, leave it."""
        with contextlib.suppress(OSError, StoreError), self._locked(session_id):
            self._move_if_damaged(owner_dir, number)

    def _readable_numbers(self, session_id: str, owner_dir: Path, newest_only: bool = False) -> list[int]:
        """Numbers of the versions that read back whole, ascending; damaged ones met are set aside."""
        found = []
        for number in reversed(self._version_numbers(owner_dir)):
            whole = self._reads_back(owner_dir, number)
            if whole is False:
                self._set_aside(session_id, owner_dir, number)
            elif whole:
                found.append(number)
                if newest_only:
                    break
        return found[::-1]

    @override
    def latest_version(self, session_id: str, owner: str) -> int:
        # The newest version that reads back whole; damaged files met are set aside.
        owner_dir = self._owner_dir(self._session_dir(session_id), owner)
        numbers = self._readable_numbers(session_id, owner_dir, newest_only=True)
        return numbers[-1] if numbers else 0

    @override
    def versions(self, session_id: str, owner: str) -> list[VersionInfo]:
        # Versions that read back whole (each file is read once per store); the time is the file's.
        owner_dir = self._owner_dir(self._session_dir(session_id), owner)
        result = []
        for number in self._readable_numbers(session_id, owner_dir):
            with contextlib.suppress(OSError):
                stat = (owner_dir / version_file_name(number)).stat()
                saved = datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds")
                result.append(VersionInfo(number, saved, stat.st_size))
        return result

    @override
    def load_version(self, session_id: str, owner: str, version: int) -> Concept:
        # A damaged file is set aside and reported as not found.
        owner_dir = self._owner_dir(self._session_dir(session_id), owner)
        try:
            return self._read(owner_dir, version)
        except FileNotFoundError:
            raise CodesignError("error.version_not_found", version=version) from None
        except _NOT_DAMAGE:
            raise
        except Exception:  # noqa: BLE001 - a damaged file
            self._set_aside(session_id, owner_dir, version)
            raise CodesignError("error.version_not_found", version=version) from None

    @override
    def load_latest(self, session_id: str, owner: str) -> Concept | None:
        # The newest version that reads back whole; damaged files met on the way are set aside.
        folder = self._session_dir(session_id)
        if not (folder / "session.json").is_file():
            raise SessionNotFound(session_id=session_id)
        owner_dir = self._owner_dir(folder, owner)
        for number in reversed(self._version_numbers(owner_dir)):
            try:
                return self._read(owner_dir, number)
            except _NOT_DAMAGE:
                continue  # set aside meanwhile, or unreadable for now: fall back to the version before
            except Exception:  # noqa: BLE001 - a damaged file: set it aside, fall back to the version before
                self._set_aside(session_id, owner_dir, number)
        return None

    @override
    def damaged_versions(self, session_id: str) -> list[tuple[str, str, str]]:
        # The files set aside in concepts/<owner>/damaged/, by owner and name, with what is wrong.
        folder = self._session_dir(session_id)
        if not (folder / "session.json").is_file():
            raise SessionNotFound(session_id=session_id)
        concepts = folder / "concepts"
        found = []
        for owner_dir in sorted(concepts.iterdir()) if concepts.is_dir() else ():
            damaged = owner_dir / DAMAGED_DIR
            if not damaged.is_dir():
                continue
            for path in sorted(damaged.iterdir()):
                match = _SET_ASIDE_FILE.match(path.name)
                if match and path.is_file():
                    found.append((owner_dir.name, path.name, _why_damaged(path, int(match.group(1)))))
        return found

    @override
    def save_concept(self, session_id: str, owner: str, concept: Concept, base_version: int | None) -> Concept:
        # The new number is above every number used before, damaged files included. A full or
        # read-only disk raises StoreError (save.failed) and changes nothing. base_version=None
        # (an import) is decided under the same lock, so concurrent imports all become versions.
        check_identifier(owner, "team")  # before the lock file is touched
        with self._locked(session_id) as folder:
            owner_dir = self._owner_dir(folder, owner)
            remove_temp_files(owner_dir)
            latest = 0
            for number in reversed(self._version_numbers(owner_dir)):
                whole = self._reads_back(owner_dir, number)
                if whole:
                    latest = number
                    break
                if whole is False:
                    with contextlib.suppress(OSError):
                        self._move_if_damaged(owner_dir, number)
            if base_version is not None and base_version != latest:
                raise SessionConflictError(latest=latest, base=base_version)
            used = self._version_numbers(owner_dir) + self._set_aside_numbers(owner_dir)
            saved = replace(
                concept,
                team=owner,
                version=max(used, default=0) + 1,
                saved_at=self._now().isoformat(timespec="seconds"),
            )
            self._remember_whole(write_version(owner_dir, saved))
            return saved


def _why_damaged(path: Path, number: int) -> str:
    """Read a set-aside version file again and say what is wrong with it."""
    try:
        concept = concept_from_geojson(json.loads(path.read_bytes()))
    except _NOT_DAMAGE as err:
        return f"cannot be read now: {err}"[:300]
    except Exception as err:  # noqa: BLE001 - say what is wrong, whatever it is
        return _damage_reason(err)
    if concept.version != number:
        return f"holds version {concept.version}, not {number}"
    return "reads back whole now"


def _dump(data: Any) -> bytes:
    return compact_json(data).encode("utf-8")
