"""A session's JSON documents, alike in both stores: rounds, votes, costing, reasons, a rule pack.

:class:`SessionDocuments` is the part of the :class:`~codesign.storage.base.Store` protocol about
them; :class:`DocumentsBase` implements it once for both stores over two primitives each store
writes: read a session's document (``_read_document``) and change one under the session's lock
(``_update_document``). Each document is kept as JSON (the file store: ``rounds.json``, ...; the
PostGIS store: ``jsonb`` columns of the session's row) and read back through its domain reader.

>>> import tempfile
>>> from codesign.storage.files import FileStore
>>> store = FileStore(tempfile.mkdtemp())
>>> s = store.create_session(site="aksu-city-square", title="Demo", teams=[("A", None)])
>>> store.load_reasons(s.id), store.load_rules(s.id)
((), None)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, runtime_checkable

from typing_extensions import override

from codesign.domain.prices import SessionCosting, costing_from_json, costing_to_json
from codesign.domain.reasons import Reasons, reasons_from_json, reasons_to_json
from codesign.domain.rounds import RoundState, state_from_json, state_to_json
from codesign.domain.rules import StoredPack
from codesign.domain.session import Session
from codesign.domain.votes import Votes, VotingRules, votes_from_json, votes_to_json

__all__ = ["DocumentsBase", "SessionDocuments"]

_Value = TypeVar("_Value")


@runtime_checkable
class SessionDocuments(Protocol):
    """A session's rounds, votes, costing, reasons and uploaded rule pack (part of the ``Store`` protocol)."""

    def load_rounds(self, session_id: str) -> RoundState:
        """The workshop's rounds and where it is in them.

        Parameters
        ----------
        session_id
            The session's id.

        Returns
        -------
        RoundState
            The stored state (no rounds before the facilitator plans them).
        """
        ...

    def update_rounds(self, session_id: str, change: Callable[[RoundState], RoundState]) -> RoundState:
        """Apply one transition to the stored round state, atomically.

        Parameters
        ----------
        session_id
            The session's id.
        change
            Gives the new state from the current one (may raise to change nothing).

        Returns
        -------
        RoundState
            The new state, as stored.
        """
        ...

    def load_votes(self, session_id: str) -> Votes:
        """The voting rules and every dot placed.

        Parameters
        ----------
        session_id
            The session's id.

        Returns
        -------
        Votes
            The rules and the dots.
        """
        ...

    def update_votes(self, session_id: str, change: Callable[[Votes], Votes]) -> Votes:
        """Apply one change (a dot, new rules) to the stored votes, atomically.

        Parameters
        ----------
        session_id
            The session's id.
        change
            Gives the new votes from the current ones (may raise to change nothing).

        Returns
        -------
        Votes
            The new votes, as stored.
        """
        ...

    def load_costing(self, session_id: str) -> SessionCosting:
        """The session's price list and budget.

        Parameters
        ----------
        session_id
            The session's id.

        Returns
        -------
        SessionCosting
            As stored; the default price list and no budget before the facilitator sets them.
        """
        ...

    def update_costing(self, session_id: str, change: Callable[[SessionCosting], SessionCosting]) -> SessionCosting:
        """Apply one change (another price list, a budget) to the stored costing, atomically.

        Parameters
        ----------
        session_id
            The session's id.
        change
            Gives the new costing from the current one (may raise to change nothing).

        Returns
        -------
        SessionCosting
            The new costing, as stored.
        """
        ...

    def load_reasons(self, session_id: str) -> Reasons:
        """The room's reasons for the differences from the plan.

        Parameters
        ----------
        session_id
            The session's id.

        Returns
        -------
        Reasons
            In the order they were recorded; empty before any.
        """
        ...

    def update_reasons(self, session_id: str, change: Callable[[Reasons], Reasons]) -> Reasons:
        """Apply one change (a reason recorded or cleared) to the stored reasons, atomically.

        Parameters
        ----------
        session_id
            The session's id.
        change
            Gives the new reasons from the current ones (may raise to change nothing).

        Returns
        -------
        Reasons
            The new reasons, as stored.
        """
        ...

    def load_rules(self, session_id: str) -> StoredPack | None:
        """The design-norm rule pack the facilitator uploaded to the session.

        Parameters
        ----------
        session_id
            The session's id.

        Returns
        -------
        StoredPack or None
            None when none was uploaded (the site's own pack applies).
        """
        ...

    def save_rules(self, session_id: str, pack: StoredPack | None) -> None:
        """Keep an uploaded rule pack with the session (``None``: back to the site's pack).

        Parameters
        ----------
        session_id
            The session's id.
        pack
            The pack's file name and text, checked by the caller
            (:func:`codesign.services.norms.upload_pack`).
        """
        ...


class DocumentsBase(SessionDocuments, ABC):
    """:class:`SessionDocuments` written once over a store's ``_read_document`` and ``_update_document``."""

    @abstractmethod
    def load_session(self, session_id: str) -> Session:
        """The session (:class:`~codesign.errors.SessionNotFound` if there is none).

        Parameters
        ----------
        session_id
            The session's id.

        Returns
        -------
        Session
            As stored.
        """

    @abstractmethod
    def _read_document(self, session_id: str, name: str) -> Any:
        """The session's JSON document ``name`` (rounds, votes, costing, reasons), None when there is none."""

    @abstractmethod
    def _update_document(self, session_id: str, name: str, apply: Callable[[Any], tuple[_Value, Any]]) -> _Value:
        """Under the session's lock: ``apply`` the document, store the new document it gives, return its value."""

    @override
    def load_rounds(self, session_id: str) -> RoundState:
        return _rounds(self._read_document(session_id, "rounds"))

    @override
    def update_rounds(self, session_id: str, change: Callable[[RoundState], RoundState]) -> RoundState:
        return self._update_document(session_id, "rounds", _through_json(change, _rounds, state_to_json))

    @override
    def load_votes(self, session_id: str) -> Votes:
        return _votes(self._read_document(session_id, "votes"))

    @override
    def update_votes(self, session_id: str, change: Callable[[Votes], Votes]) -> Votes:
        return self._update_document(session_id, "votes", _through_json(change, _votes, _votes_document))

    @override
    def load_costing(self, session_id: str) -> SessionCosting:
        return costing_from_json(self._read_document(session_id, "costing"))

    @override
    def update_costing(self, session_id: str, change: Callable[[SessionCosting], SessionCosting]) -> SessionCosting:
        return self._update_document(session_id, "costing", _through_json(change, costing_from_json, costing_to_json))

    @override
    def load_reasons(self, session_id: str) -> Reasons:
        return reasons_from_json(self._read_document(session_id, "reasons"))

    @override
    def update_reasons(self, session_id: str, change: Callable[[Reasons], Reasons]) -> Reasons:
        return self._update_document(session_id, "reasons", _through_json(change, reasons_from_json, reasons_to_json))

    @override
    def load_rules(self, session_id: str) -> StoredPack | None:
        self.load_session(session_id)  # an unknown session is refused, not read as "no pack"
        return StoredPack.from_json(self._read_document(session_id, "rules"))

    @override
    def save_rules(self, session_id: str, pack: StoredPack | None) -> None:
        self.load_session(session_id)
        document = pack.to_json() if pack is not None else None
        self._update_document(session_id, "rules", lambda _: (None, document))


def _through_json(
    change: Callable[[_Value], _Value], read: Callable[[Any], _Value], write: Callable[[_Value], Any]
) -> Callable[[Any], tuple[_Value, Any]]:
    """``change`` made to work on a stored JSON document: the new value and its new document."""

    def apply(document: Any) -> tuple[_Value, Any]:
        new = change(read(document))
        return new, write(new)

    return apply


def _rounds(document: Any) -> RoundState:
    return state_from_json(document) if document else RoundState()


def _votes(document: Any) -> Votes:
    return votes_from_json(document) if document else (VotingRules(), ())


def _votes_document(votes: Votes) -> dict[str, Any]:
    return votes_to_json(*votes)
