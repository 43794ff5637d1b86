"""The room's state kept beside the concepts: the rounds and the dot votes of a session.

Both stores keep them as two JSON documents per session; this mixin turns the documents into
:class:`~codesign.domain.rounds.RoundState` and votes, so the file store and the PostGIS store share
one implementation and differ only in how a document is read and updated under the session's
lock (``_read_document`` / ``_update_document``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from codesign.domain.rounds import RoundState, state_from_json, state_to_json
from codesign.domain.votes import Vote, VotingRules, votes_from_json, votes_to_json

__all__ = ["RoomStateMixin", "Votes"]

Votes = tuple[VotingRules, tuple[Vote, ...]]


class RoomStateMixin:
    """``load_rounds``/``update_rounds``/``load_votes``/``update_votes`` for a store."""

    def _read_document(self, session_id: str, name: str) -> Any:
        """The session's JSON document ``name`` ("rounds" or "votes"), None when there is none."""
        raise NotImplementedError

    def _update_document(
        self, session_id: str, name: str, change: Callable[[Any], Any], read: Callable[[Any], Any], write: Callable
    ) -> Any:
        """Read the document, apply ``change`` to what ``read`` made of it, store ``write(new)``."""
        raise NotImplementedError

    def load_rounds(self, session_id: str) -> RoundState:
        """The workshop's rounds and where it is in them."""
        data = self._read_document(session_id, "rounds")
        return state_from_json(data) if data else RoundState()

    def update_rounds(self, session_id: str, change: Callable[[RoundState], RoundState]) -> RoundState:
        """Apply one transition to the stored round state, under the session's lock."""
        return self._update_document(
            session_id, "rounds", change, lambda d: state_from_json(d) if d else RoundState(), state_to_json
        )

    def load_votes(self, session_id: str) -> Votes:
        """The voting rules and every dot placed."""
        data = self._read_document(session_id, "votes")
        return votes_from_json(data) if data else (VotingRules(), ())

    def update_votes(self, session_id: str, change: Callable[[Votes], Votes]) -> Votes:
        """Apply one change (a dot, new rules) to the stored votes, under the session's lock."""
        return self._update_document(
            session_id,
            "votes",
            change,
            lambda d: votes_from_json(d) if d else (VotingRules(), ()),
            lambda pair: votes_to_json(*pair),
        )
