"""The one gate every change to a concept or a dot passes: link, round, owner, then the store.

A tablet's page checks its link when it draws, but a button's callback runs before the page
does, and a tablet's screen may be minutes old: after the facilitator reissues a team's link or
closes editing, an old tablet could still tap Undo, Retry, Merge or Keep mine. So the checks
live here, next to the save, and every write of the editor and of the vote panel goes through
:class:`WriteGate` (the pages never call ``store.save_concept`` or ``store.update_votes`` for a
team themselves):

- **link valid**: a team's token is still the one the session holds for that team
  (``sketch.link_revoked`` otherwise);
- **round open**: a team may change its concept only while editing is open
  (:func:`codesign.domain.rounds.editing_open`: before any round, or in a live sketch round;
  ``room.locked_save``, or ``room.locked_vote_round`` in a vote round), and place or take back
  dots only while voting is open (``votes.closed``);
- **owner right**: a team writes only its own concept and only its own dots
  (``write.not_owner``); the joint vision and the akimat's plan only by the facilitator.

The facilitator (whose secret the page has checked) is not bound by rounds: the joint vision is
edited in front of the room whatever the tablets may do. The gate reads the link and the round
state just before the store's own locked save; a reissue or a round change that lands in the
milliseconds between is seen by the next write.

>>> import tempfile
>>> from codesign.domain.concept import Concept
>>> from codesign.storage.files import FileStore
>>> store = FileStore(tempfile.mkdtemp())
>>> s = store.create_session(site="aksu-city-square", title="Demo", teams=[("A", None), ("B", None)])
>>> team = s.teams[0]
>>> gate = WriteGate(store, s.id, Writer.team(team.id, team.token), clock=lambda: 0.0)
>>> gate.save_concept(team.id, Concept(s.site, team.id, title="Ours"), base_version=0).version
1
>>> def refusal(owner, version):
...     try:
...         gate.save_concept(owner, Concept(s.site, owner), base_version=version)
...     except WriteRefused as err:
...         return err.key
>>> refusal("team-2", 0)
'write.not_owner'
>>> _ = store.reissue_token(s.id, team.id)
>>> refusal(team.id, 1), store.latest_version(s.id, team.id)
('sketch.link_revoked', 1)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codesign.domain.access import team_for_token
from codesign.domain.rounds import RoundState, editing_open, voting_open
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.votes import Vote, Votes, cast, retract
from codesign.errors import AccessDenied

if TYPE_CHECKING:
    from codesign.domain.concept import Concept
    from codesign.storage.base import Store

__all__ = ["FACILITATOR_OWNERS", "WriteGate", "WriteRefused", "Writer"]

#: Concepts only the facilitator writes.
FACILITATOR_OWNERS = frozenset({VISION_OWNER, PLAN_OWNER})


class WriteRefused(AccessDenied):
    """The gate did not let a change through; ``key`` says why (link, round, owner)."""

    key = "error.access_denied"


@dataclass(frozen=True)
class Writer:
    """Who is writing: a team through its link (``team_id`` and ``token``), or the facilitator.

    Build the facilitator's writer only where the facilitator's secret has been checked.

    >>> Writer.team("team-1", "tok").is_facilitator, Writer.facilitator().is_facilitator
    (False, True)
    """

    team_id: str | None = None
    token: str | None = field(default=None, repr=False)

    @classmethod
    def team(cls, team_id: str, token: str | None) -> Writer:
        """A team's tablet, holding the token of the link it was opened with.

        Parameters
        ----------
        team_id
            The team's id.
        token
            The token of the link the tablet opened (``None`` if it had none).

        Returns
        -------
        Writer
            The team's writer.
        """
        return cls(team_id=team_id, token=token or "")

    @classmethod
    def facilitator(cls) -> Writer:
        """The facilitator (the joint vision, the plan).

        Returns
        -------
        Writer
            The facilitator's writer.
        """
        return cls()

    @property
    def is_facilitator(self) -> bool:
        """Whether this is the facilitator rather than a team.

        Returns
        -------
        bool
            True for the facilitator.
        """
        return self.team_id is None


@dataclass(frozen=True)
class WriteGate:
    """Checks a writer's right against the store's current state, then writes.

    ``clock`` gives the time (seconds since the epoch) the round rules are checked at.
    """

    store: Store
    session_id: str
    writer: Writer
    clock: Callable[[], float] = time.time

    # ------------------------------------------------------------------ checks
    def check_link(self) -> None:
        """A team's token must still open its team (the facilitator may have reissued it)."""
        if self.writer.is_facilitator:
            return
        try:
            team = team_for_token(self.store.load_session(self.session_id), self.writer.token)
        except AccessDenied:
            raise WriteRefused("sketch.link_revoked") from None
        if team.id != self.writer.team_id:
            raise WriteRefused("sketch.link_revoked")

    def check_owner(self, owner: str) -> None:
        """A team writes only its own concept; the vision and the plan only the facilitator.

        Parameters
        ----------
        owner
            Whose concept is to be written (``write.not_owner`` if the writer may not).
        """
        if self.writer.is_facilitator:
            return
        if owner != self.writer.team_id or owner in FACILITATOR_OWNERS:
            raise WriteRefused("write.not_owner")

    def check_editing(self, rounds: RoundState | None = None) -> None:
        """A team changes its concept only while editing is open (the facilitator always may).

        Parameters
        ----------
        rounds
            The round state, if already read (default: read from the store).
        """
        if self.writer.is_facilitator:
            return
        rounds = self.store.load_rounds(self.session_id) if rounds is None else rounds
        now = self.clock()
        if not editing_open(rounds, now):
            raise WriteRefused("room.locked_vote_round" if voting_open(rounds, now) else "room.locked_save")

    def check_concept_write(self, owner: str) -> None:
        """Every check for changing ``owner``'s concept; :class:`WriteRefused` says which failed.

        Parameters
        ----------
        owner
            Whose concept is to be written.
        """
        self.check_owner(owner)
        self.check_link()
        self.check_editing()

    # ------------------------------------------------------------------ writes
    def save_concept(self, owner: str, concept: Concept, base_version: int | None) -> Concept:
        """Check, then store ``concept`` as ``owner``'s new version (see ``Store.save_concept``).

        Raises :class:`WriteRefused` before anything is stored; the store's own errors
        (conflict, full disk) pass through.

        Parameters
        ----------
        owner
            Whose concept it is.
        concept
            What to store.
        base_version
            The version the editor started from (``None``: on top of the latest, an import).

        Returns
        -------
        Concept
            The concept as stored, numbered and timed.
        """
        self.check_concept_write(owner)
        return self.store.save_concept(self.session_id, owner, concept, base_version)

    def change_dot(self, vote: Vote, *, take_back: bool = False) -> Votes:
        """Place (or take back) one of the writer's dots, checked under the votes' lock.

        Only a team places dots, only its own (``vote.team``), only with a valid link and while
        voting is open; the rules of :func:`codesign.domain.votes.cast` / :func:`~codesign.domain.votes.retract`
        apply (:class:`~codesign.errors.VoteRefused`).

        Parameters
        ----------
        vote
            The dot: the writer's team, and its target.
        take_back
            Take one such dot back instead of placing it.

        Returns
        -------
        Votes
            The votes as stored now.
        """
        if self.writer.is_facilitator or vote.team != self.writer.team_id:
            raise WriteRefused("write.not_owner")
        self.check_link()

        def apply(current: Votes) -> Votes:
            rules, votes = current
            self.check_link()  # again under the lock: a reissue between the two reads is seen
            is_open = voting_open(self.store.load_rounds(self.session_id), self.clock())
            change = retract if take_back else cast
            return rules, change(votes, vote, rules, is_open=is_open)

        return self.store.update_votes(self.session_id, apply)
