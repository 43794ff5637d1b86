"""The file store: the only code that touches the sessions folder.

Layout (one folder per workshop session)::

    sessions/<session>/session.json           title, site, date, teams and their tokens
    sessions/<session>/.lock                  serialises writers (flock), across processes
    sessions/<session>/concepts/<owner>/v000001.geojson   one file per saved version

Every save writes a *new* version file (temp file, fsync, ``os.replace``, fsync of the
folder) under an exclusive lock; a save based on an older version than the latest raises
:class:`SessionConflictError`, it never overwrites.

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
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from codesign.concepts import Concept, concept_from_geojson, concept_to_geojson
from codesign.errors import (
    CodesignError,
    InvalidConceptError,
    SessionConflictError,
    SessionNotFound,
    StoreError,
)
from codesign.ids import check_identifier
from codesign.rounds import RoundState, state_from_json, state_to_json
from codesign.votes import Vote, VotingRules, votes_from_json, votes_to_json

__all__ = [
    "PLAN_OWNER",
    "TEAM_COLOURS",
    "VISION_OWNER",
    "FileStore",
    "Session",
    "Team",
    "VersionInfo",
    "parse_team_lines",
]

#: Owner id under which a session keeps the akimat's plan.
PLAN_OWNER = "plan"
#: Owner id of the joint vision the room builds from the consensus.
VISION_OWNER = "vision"
#: Team colours, Paul Tol's colour-blind-safe "bright" scheme, in order of creation.
TEAM_COLOURS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB", "#222255")
MAX_TEAMS = 40
MAX_TEAM_NAME = 60
_VERSION_FILE = re.compile(r"^v(\d{6})\.geojson$")
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Team:
    """A resident team; ``token`` is the secret in its join link."""

    id: str
    name: str
    colour: str
    token: str


@dataclass(frozen=True)
class Session:
    """One workshop on one site."""

    id: str
    title: str
    site: str
    date: str
    created_at: str
    teams: tuple[Team, ...] = ()
    illustrative: bool = False
    #: The secret in the read-only link for the architecture department ("" = none issued).
    review_token: str = ""

    def team(self, team_id: str) -> Team:
        """The team with that id."""
        for t in self.teams:
            if t.id == team_id:
                return t
        raise CodesignError("error.team_not_found", team=team_id)


@dataclass(frozen=True)
class VersionInfo:
    """One stored version of a concept."""

    version: int
    saved_at: str  # the file's modification time, UTC
    size: int  # bytes


def parse_team_lines(text: str) -> list[tuple[str, str | None]]:
    r"""Teams typed one per line, each optionally ending in a ``#RRGGBB`` colour.

    >>> parse_team_lines("Жасыл аула #228833\n\n  Семьи Аксу  ")
    [('Жасыл аула', '#228833'), ('Семьи Аксу', None)]
    """
    teams = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, _, colour = line.rpartition(" ")
        if name.strip() and _HEX_COLOUR.fullmatch(colour):
            teams.append((name.strip(), colour.upper()))
        else:
            teams.append((line, None))
    return teams


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the whole new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class FileStore:
    """Sessions and versioned concepts in a folder (``CODESIGN_SESSIONS_DIR``)."""

    def __init__(self, root: str | os.PathLike[str], now: Callable[[], datetime] | None = None) -> None:
        self.root = Path(root)
        self._now = now or (lambda: datetime.now(UTC))

    # ------------------------------------------------------------------ sessions
    def _session_dir(self, session_id: str) -> Path:
        return self.root / check_identifier(session_id, "session")

    @contextlib.contextmanager
    def _locked(self, session_id: str) -> Iterator[Path]:
        folder = self._session_dir(session_id)
        if not (folder / "session.json").is_file():
            raise SessionNotFound(session_id=session_id)
        with open(folder / ".lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield folder
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

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
        check_identifier(site, "site")
        title = title.strip()
        if not title or len(title) > 120:
            raise CodesignError("session.bad_title", limit=120)
        names = [name.strip() for name, _ in teams]
        if not 1 <= len(names) <= MAX_TEAMS:
            raise CodesignError("session.bad_team_count", limit=MAX_TEAMS)
        for name in names:
            if not name or len(name) > MAX_TEAM_NAME:
                raise CodesignError("session.bad_team_name", limit=MAX_TEAM_NAME)
        if len(set(n.casefold() for n in names)) != len(names):
            raise CodesignError("session.duplicate_team")
        day = day or self._now().date()
        team_list = []
        for index, (name, (_, colour)) in enumerate(zip(names, teams, strict=True), start=1):
            if colour is not None and not _HEX_COLOUR.fullmatch(colour):
                raise CodesignError("session.bad_colour", colour=colour[:20])
            team_list.append(
                Team(
                    id=f"team-{index}",
                    name=name,
                    colour=colour or TEAM_COLOURS[(index - 1) % len(TEAM_COLOURS)],
                    token=secrets.token_urlsafe(16),
                )
            )
        session = Session(
            id=session_id or f"{day.isoformat()}-{secrets.token_hex(2)}",
            title=title,
            site=site,
            date=day.isoformat(),
            created_at=self._now().isoformat(timespec="seconds"),
            teams=tuple(team_list),
            illustrative=illustrative,
            review_token=secrets.token_urlsafe(16),
        )
        folder = self._session_dir(session.id)
        try:
            folder.mkdir(parents=True, exist_ok=False)
            _write_atomic(folder / "session.json", _dump(asdict(session)))
        except FileExistsError:
            raise CodesignError("session.exists", session_id=session.id) from None
        except OSError as err:
            raise StoreError(reason=err.strerror or str(err)) from err
        return session

    def load_session(self, session_id: str) -> Session:
        """The session with that id, or :class:`SessionNotFound`."""
        path = self._session_dir(session_id) / "session.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SessionNotFound(session_id=session_id) from None
        teams = tuple(Team(**t) for t in raw.pop("teams"))
        return Session(teams=teams, **raw)

    def list_sessions(self) -> list[Session]:
        """All sessions, newest first."""
        if not self.root.is_dir():
            return []
        found = []
        for child in self.root.iterdir():
            if (child / "session.json").is_file():
                with contextlib.suppress(CodesignError, ValueError, TypeError, KeyError):
                    found.append(self.load_session(child.name))
        return sorted(found, key=lambda s: (s.date, s.created_at, s.id), reverse=True)

    def update_session(self, session: Session) -> None:
        """Rewrite session metadata (title, teams) under the session lock."""
        with self._locked(session.id) as folder:
            _write_atomic(folder / "session.json", _dump(asdict(session)))

    def reissue_token(self, session_id: str, who: str) -> Session:
        """Give a team (its id) or the reviewers (``"reviewer"``) a new link; the old one stops working."""
        with self._locked(session_id) as folder:
            session = self.load_session(session_id)
            if who == "reviewer":
                session = replace(session, review_token=secrets.token_urlsafe(16))
            else:
                session.team(who)
                teams = tuple(replace(t, token=secrets.token_urlsafe(16)) if t.id == who else t for t in session.teams)
                session = replace(session, teams=teams)
            _write_atomic(folder / "session.json", _dump(asdict(session)))
            return session

    # ------------------------------------------------------------------ rounds and votes
    def _read_json(self, session_id: str, name: str) -> dict[str, Any] | None:
        path = self._session_dir(session_id) / name
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError:
            return None  # a damaged file reads as "nothing set yet"; the next write replaces it

    def _update_json(self, session_id: str, name: str, change: Callable[[Any], Any], read: Callable, write: Callable):
        with self._locked(session_id) as folder:
            current = read(self._read_json(session_id, name))
            new = change(current)
            try:
                _write_atomic(folder / name, _dump(write(new)))
            except OSError as err:
                raise StoreError(reason=err.strerror or str(err)) from err
            return new

    def load_rounds(self, session_id: str) -> RoundState:
        """The workshop's rounds and where it is in them."""
        data = self._read_json(session_id, "rounds.json")
        return state_from_json(data) if data else RoundState()

    def update_rounds(self, session_id: str, change: Callable[[RoundState], RoundState]) -> RoundState:
        """Apply one transition to the stored round state, under the session lock."""
        return self._update_json(
            session_id, "rounds.json", change, lambda d: state_from_json(d) if d else RoundState(), state_to_json
        )

    def load_votes(self, session_id: str) -> tuple[VotingRules, tuple[Vote, ...]]:
        """The voting rules and every dot placed."""
        data = self._read_json(session_id, "votes.json")
        return votes_from_json(data) if data else (VotingRules(), ())

    def update_votes(
        self,
        session_id: str,
        change: Callable[[tuple[VotingRules, tuple[Vote, ...]]], tuple[VotingRules, tuple[Vote, ...]]],
    ) -> tuple[VotingRules, tuple[Vote, ...]]:
        """Apply one change (a dot, new rules) to the stored votes, under the session lock."""
        return self._update_json(
            session_id,
            "votes.json",
            change,
            lambda d: votes_from_json(d) if d else (VotingRules(), ()),
            lambda pair: votes_to_json(*pair),
        )

    # ------------------------------------------------------------------ concepts
    def _owner_dir(self, folder: Path, owner: str) -> Path:
        return folder / "concepts" / check_identifier(owner, "team")

    def _version_numbers(self, owner_dir: Path) -> list[int]:
        if not owner_dir.is_dir():
            return []
        return sorted(int(m.group(1)) for name in os.listdir(owner_dir) if (m := _VERSION_FILE.match(name)))

    def latest_version(self, session_id: str, owner: str) -> int:
        """The newest stored version number, 0 when nothing was saved yet."""
        numbers = self._version_numbers(self._owner_dir(self._session_dir(session_id), owner))
        return numbers[-1] if numbers else 0

    def versions(self, session_id: str, owner: str) -> list[VersionInfo]:
        """Every stored version, oldest first, without reading the files (cheap on every rerun)."""
        owner_dir = self._owner_dir(self._session_dir(session_id), owner)
        result = []
        for number in self._version_numbers(owner_dir):
            with contextlib.suppress(OSError):
                stat = (owner_dir / f"v{number:06d}.geojson").stat()
                saved = datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds")
                result.append(VersionInfo(number, saved, stat.st_size))
        return result

    def _read(self, owner_dir: Path, number: int) -> Concept:
        raw = (owner_dir / f"v{number:06d}.geojson").read_bytes()
        concept = concept_from_geojson(json.loads(raw))
        if concept.version != number:
            raise InvalidConceptError("concept.bad_field", field="version")
        return concept

    def load_version(self, session_id: str, owner: str, version: int) -> Concept:
        """One stored version."""
        owner_dir = self._owner_dir(self._session_dir(session_id), owner)
        try:
            return self._read(owner_dir, version)
        except FileNotFoundError:
            raise CodesignError("error.version_not_found", version=version) from None

    def load_latest(self, session_id: str, owner: str) -> Concept | None:
        """The newest version that reads back whole; ``None`` if there is none."""
        folder = self._session_dir(session_id)
        if not (folder / "session.json").is_file():
            raise SessionNotFound(session_id=session_id)
        owner_dir = self._owner_dir(folder, owner)
        for number in reversed(self._version_numbers(owner_dir)):
            try:
                return self._read(owner_dir, number)
            except (CodesignError, OSError, ValueError):
                continue  # a damaged file: fall back to the version before
        return None

    def save_concept(self, session_id: str, owner: str, concept: Concept, base_version: int) -> Concept:
        """Store ``concept`` as a new version and return it with version and time set.

        ``base_version`` is the version the editor started from; if another save came
        in since, :class:`SessionConflictError` carries the latest version number.
        """
        with self._locked(session_id) as folder:
            owner_dir = self._owner_dir(folder, owner)
            numbers = self._version_numbers(owner_dir)
            latest = numbers[-1] if numbers else 0
            if base_version != latest:
                raise SessionConflictError(latest=latest, base=base_version)
            saved = replace(
                concept,
                team=owner,
                version=latest + 1,
                saved_at=self._now().isoformat(timespec="seconds"),
            )
            data = _dump(concept_to_geojson(saved))
            concept_from_geojson(json.loads(data))  # never store what cannot be read back
            try:
                owner_dir.mkdir(parents=True, exist_ok=True)
                _write_atomic(owner_dir / f"v{saved.version:06d}.geojson", data)
            except OSError as err:
                raise StoreError(reason=err.strerror or str(err)) from err
            return saved


def _dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
