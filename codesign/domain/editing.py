"""A team's editing of its concept: every change saved at once, undo, retry, conflicts between tablets.

:class:`EditSession` is what one browser session holds while a team (or the facilitator, for the
joint vision) edits a concept: the concept on screen, the stored version it is based on, the
undo stack, the map's drafts and the messages to show. Each action returns a :class:`Status`:

- ``SAVED`` (version, time): stored as a new version;
- ``FAILED`` (reason): the store could not write; the concept stays here and :meth:`~EditSession.retry`
  stores it;
- ``CONFLICT`` (latest version): another tablet saved first; nothing was overwritten, and
  :meth:`~EditSession.resolve` merges, takes theirs or keeps mine. While a conflict waits, changes
  are made here and only the right to make them is checked;
- ``REFUSED`` (reason): the write gate refused (a reissued link, a closed round, not the owner):
  the session is put back as it was before the action, and says why;
- ``UNCHANGED``: nothing to do (the same content, nothing to undo);
- ``INVALID`` (reason): the change itself is not allowed (e.g. a category of another kind).

The session stores through a :class:`ConceptGate` (:class:`codesign.services.gate.WriteGate` is one)
and reads the latest stored version with a ``load_latest`` callable; it knows nothing of Streamlit
or of the store. Messages are :class:`~codesign.domain.notices.Notice` keys: the page translates.

>>> from dataclasses import replace
>>> class Shelf:  # a gate that stores in a list
...     def __init__(self):
...         self.versions = []
...     def save_concept(self, owner, concept, base_version):
...         saved = replace(concept, version=len(self.versions) + 1, saved_at="2026-06-01T10:00:00+00:00")
...         self.versions.append(saved)
...         return saved
...     def check_concept_write(self, owner): pass
...     def check_owner(self, owner): pass
...     def check_link(self): pass
>>> shelf = Shelf()
>>> editing = EditSession.open(shelf, lambda: None, owner="team-1", site="aksu-city-square")
>>> editing.commit(replace(editing.concept, title="Shade")).kind, editing.concept.version
(<EditStatus.SAVED: 'saved'>, 1)
>>> editing.undo().version, editing.concept.title
(2, '')
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from codesign.domain.concept import Concept, merge_concepts
from codesign.domain.concept import delete_feature as _delete_feature
from codesign.domain.concept import edit_feature as _edit_feature
from codesign.domain.concept import edit_metadata as _edit_metadata
from codesign.domain.drawings import apply_drawings
from codesign.domain.geometry import MetricFrame
from codesign.domain.notices import Notice
from codesign.domain.rounds import RoundState, editing_open, voting_open
from codesign.domain.taxonomy import Kind
from codesign.errors import AccessDenied, CodesignError, SessionConflictError

__all__ = [
    "DEFAULT_CATEGORIES",
    "UNDO_DEPTH",
    "ConceptGate",
    "Drawn",
    "EditSession",
    "EditStatus",
    "EditorMode",
    "Message",
    "Resolution",
    "Status",
    "editor_mode",
]

#: How many earlier states :meth:`EditSession.undo` can go back to.
UNDO_DEPTH = 50
#: The category a new shape of each kind takes until the team picks another.
DEFAULT_CATEGORIES: Mapping[Kind, str] = {"zone": "playground", "path": "walkway", "amenity": "bench"}


class EditStatus(enum.Enum):
    """How the last action went, or where the editing stands (see the module's text)."""

    LOADED = "loaded"
    SAVED = "saved"
    FAILED = "failed"
    CONFLICT = "conflict"
    REFUSED = "refused"
    UNCHANGED = "unchanged"
    INVALID = "invalid"


@dataclass(frozen=True)
class Status:
    """An :class:`EditStatus` with what goes with it.

    Attributes
    ----------
    kind : EditStatus
        What happened.
    version : int or None
        ``SAVED``: the version stored; ``CONFLICT``: the latest stored version.
    saved_at : str or None
        ``SAVED``: when (ISO 8601).
    reason : Notice or str or None
        ``FAILED``, ``REFUSED``, ``INVALID``: why, as a message key, or the operating system's own
        words for a failure the store did not foresee.
    """

    kind: EditStatus
    version: int | None = None
    saved_at: str | None = None
    reason: Notice | str | None = None


class Resolution(enum.Enum):
    """The team's choice when another tablet saved first."""

    #: Apply my changes since the version I started from onto theirs (theirs win where both changed).
    MERGE = "merge"
    #: Drop my changes and take the stored version (stores nothing).
    TAKE_THEIRS = "reload"
    #: Store mine on top of theirs.
    KEEP_MINE = "keep_mine"


@dataclass(frozen=True)
class Message:
    """Something to tell the team, at a level (``info``, ``warning``, ``error``).

    Attributes
    ----------
    level : {'info', 'warning', 'error'}
        How it is shown.
    notice : Notice
        The message key and its values.
    """

    level: Literal["info", "warning", "error"]
    notice: Notice


@dataclass(frozen=True)
class Drawn:
    """What :meth:`EditSession.draw` did.

    Attributes
    ----------
    status : Status
        The outcome of storing the drawings (``UNCHANGED`` when they changed nothing).
    new_feature : str or None
        The feature the last new shape became, if it is in the concept (to show it in the panel).
    """

    status: Status
    new_feature: str | None = None


class ConceptGate(Protocol):
    """What the session needs of the write gate (:class:`codesign.services.gate.WriteGate`).

    Each check raises :class:`~codesign.errors.AccessDenied` (the gate's ``WriteRefused``) with the
    reason's key when the writer may not.
    """

    def save_concept(self, owner: str, concept: Concept, base_version: int | None) -> Concept:
        """Check, then store ``concept`` as ``owner``'s new version based on ``base_version``.

        Parameters
        ----------
        owner : str
            Whose concept.
        concept : Concept
            The concept to store.
        base_version : int or None
            The stored version it was based on (a conflict if another came since).

        Returns
        -------
        Concept
            The concept as stored (version and time set).
        """
        ...

    def check_concept_write(self, owner: str) -> None:
        """Every check for changing ``owner``'s concept (link, round, owner), storing nothing.

        Parameters
        ----------
        owner : str
            Whose concept.
        """
        ...

    def check_owner(self, owner: str) -> None:
        """Whether the writer may write ``owner``'s concept at all.

        Parameters
        ----------
        owner : str
            Whose concept.
        """
        ...

    def check_link(self) -> None:
        """Whether the writer's link still works."""
        ...


@dataclass(frozen=True)
class EditorMode:
    """What the room allows the editor now.

    Attributes
    ----------
    locked : bool
        No drawing or changing (a team's tablet outside a sketch round).
    voting : bool
        The vote panel replaces the palette (a team's tablet in a vote round).
    """

    locked: bool
    voting: bool


def editor_mode(rounds: RoundState, now: float, *, in_room: bool) -> EditorMode:
    """What the room's rounds allow an editor: a team's tablet follows them, the joint vision does not.

    >>> from codesign.domain.rounds import RoundState
    >>> editor_mode(RoundState(), 0.0, in_room=True)  # before any round: editing is open
    EditorMode(locked=False, voting=False)

    Parameters
    ----------
    rounds : RoundState
        The session's rounds.
    now : float
        The time, in seconds since the epoch.
    in_room : bool
        Whether this is a team's tablet (rounds apply) rather than the facilitator's joint vision.

    Returns
    -------
    EditorMode
        Whether editing is locked and whether the vote panel is open.
    """
    return EditorMode(
        locked=in_room and not editing_open(rounds, now),
        voting=in_room and voting_open(rounds, now),
    )


_UNCHANGED = Status(EditStatus.UNCHANGED)
#: Shape notices that are news, not a problem: shown as information.
_INFO: dict[str, Literal["info", "warning", "error"]] = {"geometry.snapped": "info"}


@dataclass(eq=False)
class EditSession:
    """One browser session's editing of one owner's concept.

    Build it with :meth:`open`. The ``gate`` is the writer's of the current page run: a page sets it
    again on every run (a team may come back through a new link in the same browser session).

    Attributes
    ----------
    gate : ConceptGate
        Stores and checks (the write gate for this writer).
    load_latest : callable
        The owner's latest stored version, or None when there is none.
    owner : str
        Whose concept (a team's id, or the joint vision's).
    site : str
        The session's site (for an empty concept).
    concept : Concept
        The concept on screen.
    base : Concept
        The stored version ``concept`` is based on (for conflicts and merges).
    undo_stack : list of Concept
        Earlier states, the last one on top (at most :data:`UNDO_DEPTH`).
    drafts : dict
        Browser draft ids -> the feature ids they became.
    last_drawings : object
        The map's drawings as last applied (the same list again changes nothing).
    status : Status
        Where the editing stands: ``LOADED``, ``SAVED``, ``FAILED`` or ``CONFLICT``.
    messages : tuple of Message
        What to tell the team after the last action.
    """

    gate: ConceptGate
    load_latest: Callable[[], Concept | None]
    owner: str
    site: str
    concept: Concept
    base: Concept
    undo_stack: list[Concept] = field(default_factory=list)
    drafts: dict[str, str] = field(default_factory=dict)
    last_drawings: object = None
    status: Status = Status(EditStatus.LOADED)
    messages: tuple[Message, ...] = ()

    @classmethod
    def open(cls, gate: ConceptGate, load_latest: Callable[[], Concept | None], owner: str, site: str) -> EditSession:
        """Start editing the latest stored version (an empty concept if there is none).

        Parameters
        ----------
        gate : ConceptGate
            Stores and checks.
        load_latest : callable
            The owner's latest stored version, or None.
        owner : str
            Whose concept.
        site : str
            The session's site.

        Returns
        -------
        EditSession
            Status ``LOADED``, nothing to undo.
        """
        latest = load_latest() or Concept(site=site, team=owner)
        return cls(gate, load_latest, owner, site, concept=latest, base=latest)

    @property
    def can_undo(self) -> bool:
        """Whether there is an earlier state to go back to.

        Returns
        -------
        bool
            True when :meth:`undo` would change something.
        """
        return bool(self.undo_stack)

    # ------------------------------------------------------------------ actions
    def draw(self, drawings: object, frame: MetricFrame, selected: Mapping[Kind, str]) -> Drawn:
        """Apply the map's drawings (:func:`~codesign.domain.drawings.apply_drawings`) and store the result.

        The shapes' notices become warnings (snapping to the neighbours, which is no problem: news),
        refused shapes errors.

        Parameters
        ----------
        drawings : object
            Everything the map holds (a list of GeoJSON features); None (the map reported nothing)
            or anything but a list changes nothing.
        frame : MetricFrame
            The site's metric frame.
        selected : mapping
            The category a new shape of each kind takes.

        Returns
        -------
        Drawn
            The status of the commit and the feature to show.
        """
        if not isinstance(drawings, list) or drawings == self.last_drawings:
            return Drawn(_UNCHANGED)
        self.last_drawings = drawings
        outcome = apply_drawings(self.concept, drawings, frame, selected, self.drafts)
        self.drafts = dict(outcome.drafts)
        self.messages = tuple(Message(_INFO.get(n.key, "warning"), n) for _, n in outcome.notices) + tuple(
            Message("error", n) for n in outcome.rejected
        )
        status = self.commit(outcome.concept) if outcome.changed_anything else _UNCHANGED
        kept = {f.id for f in self.concept.features}  # not a shape the gate refused
        new_feature = outcome.added[-1] if outcome.added and outcome.added[-1] in kept else None
        return Drawn(status, new_feature)

    def commit(self, new: Concept) -> Status:
        """Make ``new`` the concept (undoable) and store it; no save when nothing changed.

        While a conflict waits for the team's choice, the change is kept here and only the right
        to make it is checked.

        Parameters
        ----------
        new : Concept
            The concept after the change.

        Returns
        -------
        Status
            ``SAVED``, ``FAILED``, ``CONFLICT``, ``REFUSED`` or ``UNCHANGED``.
        """
        if new.same_content(self.concept):
            return _UNCHANGED

        def change() -> Status:
            self.undo_stack.append(self.concept)
            del self.undo_stack[:-UNDO_DEPTH]
            self.concept = new
            return self._store_or_check()

        return self._guarded(change)

    def undo(self) -> Status:
        """Go back to the state before the last change, stored as a new version.

        Returns
        -------
        Status
            As :meth:`commit`; ``UNCHANGED`` when there is nothing to undo.
        """

        def back() -> Status:
            if not self.undo_stack:
                return _UNCHANGED
            self.concept = self.undo_stack.pop()
            self.messages = (Message("info", Notice("sketch.undone")),)
            return self._store_or_check()

        return self._guarded(back)

    def retry(self) -> Status:
        """Store the concept kept here after a failed save.

        Returns
        -------
        Status
            ``SAVED``, ``FAILED``, ``CONFLICT`` or ``REFUSED``.
        """
        return self._guarded(self._store)

    def resolve(self, choice: Resolution) -> Status:
        """Settle a conflict with the latest stored version: merge, take theirs or keep mine.

        Taking theirs stores nothing, but the writer must still own the concept and hold a working
        link (a revoked link reads nothing). A merge that lost changes to theirs says how many.

        Parameters
        ----------
        choice : Resolution
            The team's choice.

        Returns
        -------
        Status
            ``SAVED`` (taking theirs: the stored version), or as :meth:`retry`.
        """

        def settle() -> Status:
            self.gate.check_owner(self.owner)
            self.gate.check_link()
            latest = self.load_latest() or Concept(site=self.site, team=self.owner)
            if choice is Resolution.TAKE_THEIRS:
                self.concept = self.base = latest
                self.undo_stack = []
                self.status = Status(EditStatus.SAVED, latest.version, latest.saved_at)
                return self.status
            if choice is Resolution.MERGE:
                self.concept, lost = merge_concepts(self.base, self.concept, latest)
                self.messages = (Message("warning", Notice("sketch.merge_lost", {"count": lost})),) if lost else ()
            self.base = latest
            return self._store()

        return self._guarded(settle)

    def restore(self, earlier: Concept) -> Status:
        """Make an earlier stored version the concept again (a new version, undoable).

        Parameters
        ----------
        earlier : Concept
            The earlier version, as loaded from the store.

        Returns
        -------
        Status
            As :meth:`commit`.
        """
        return self.commit(earlier)

    def edit_feature(self, feature_id: str, *, category_id: str, label: str, note: str) -> Status:
        """Change one feature's category (within its kind), label and note.

        Parameters
        ----------
        feature_id : str
            The feature.
        category_id : str
            Its category.
        label : str
            Its label.
        note : str
            Its note.

        Returns
        -------
        Status
            As :meth:`commit`, or ``INVALID`` (another kind, too long, no such feature).
        """
        return self._changed(
            lambda: _edit_feature(self.concept, feature_id, category_id=category_id, label=label, note=note)
        )

    def delete_feature(self, feature_id: str) -> Status:
        """Take one feature out of the concept.

        Parameters
        ----------
        feature_id : str
            The feature.

        Returns
        -------
        Status
            As :meth:`commit`, or ``INVALID`` (no such feature).
        """
        return self._changed(lambda: _delete_feature(self.concept, feature_id))

    def edit_metadata(self, *, title: str, description: str) -> Status:
        """Change the concept's title and description.

        Parameters
        ----------
        title : str
            The title.
        description : str
            The description.

        Returns
        -------
        Status
            As :meth:`commit`, or ``INVALID`` (too long).
        """
        return self._changed(lambda: _edit_metadata(self.concept, title=title, description=description))

    # ------------------------------------------------------------------ inside
    def _changed(self, change: Callable[[], Concept]) -> Status:
        """Commit the concept ``change`` makes, or say why it cannot be made."""
        try:
            new = change()
        except CodesignError as err:
            return Status(EditStatus.INVALID, reason=Notice(err.key, dict(err.params)))
        return self.commit(new)

    def _guarded(self, action: Callable[[], Status]) -> Status:
        """Run an action; when the gate refuses it, put the session back as it was and say why."""
        before = (self.concept, self.base, list(self.undo_stack), self.status)
        try:
            return action()
        except AccessDenied as err:
            self.concept, self.base, self.undo_stack, self.status = before
            reason = Notice(err.key, dict(err.params))
            self.messages = (Message("error", reason),)
            return Status(EditStatus.REFUSED, reason=reason)

    def _store_or_check(self) -> Status:
        """Store now, or, while a conflict waits for the team's choice, only check the right to change."""
        if self.status.kind is EditStatus.CONFLICT:
            self.gate.check_concept_write(self.owner)
            return self.status
        return self._store()

    def _store(self) -> Status:
        """Store the concept as a new version based on ``base``; the gate's refusal passes up."""
        try:
            saved = self.gate.save_concept(self.owner, self.concept, self.base.version)
        except AccessDenied:
            raise
        except SessionConflictError as err:
            latest = err.params.get("latest")
            self.status = Status(EditStatus.CONFLICT, version=latest if isinstance(latest, int) else None)
        except CodesignError as err:
            self.status = Status(EditStatus.FAILED, reason=Notice(err.key, dict(err.params)))
        except OSError as err:  # anything the store did not foresee: keep the drawing
            self.status = Status(EditStatus.FAILED, reason=str(err.strerror or err))
        else:
            self.concept = self.base = saved
            self.status = Status(EditStatus.SAVED, saved.version, saved.saved_at)
        return self.status
