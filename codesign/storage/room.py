"""What the stores keep of the room itself: tablets' presence, signed-in desks, dispute votes.

:class:`RoomStore` is the part of the :class:`~codesign.storage.base.Store` protocol about the
room (both stores implement it, checked by the same contract tests):

- **presence**: each tablet's heartbeat, so every app process sharing the store sees every
  connected tablet (the projector of one process, the tablets of another);
- **desks**: the grants of desk tokens (:mod:`codesign.domain.desks`; the store keeps a token's
  digest, never the token), found by digest, revoked one by one or all at once;
- **disputes**: the session's dispute vote (:mod:`codesign.domain.disputes`), a JSON document of
  the session as the rounds and the votes are.

>>> import tempfile
>>> from codesign.storage.files import FileStore
>>> store = FileStore(tempfile.mkdtemp())
>>> s = store.create_session(site="aksu-city-square", title="Demo", teams=[("A", None)])
>>> store.record_presence(s.id, "team-1")
>>> list(store.presence(s.id))
['team-1']
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, runtime_checkable

from codesign.domain.desks import DeskGrant, DeskRole
from codesign.domain.disputes import DisputeVote, disputes_from_json, disputes_to_json

__all__ = ["DisputesDocument", "RoomStore", "grant_from_json", "grant_to_json"]

_Value = TypeVar("_Value")


@runtime_checkable
class RoomStore(Protocol):
    """Presence, desk grants and dispute votes (part of :class:`~codesign.storage.base.Store`)."""

    def record_presence(self, session_id: str, team_id: str) -> None:
        """Record that a tablet of ``team_id`` is open now (the store's clock).

        Parameters
        ----------
        session_id
            The session's id (:class:`~codesign.errors.SessionNotFound` if there is none).
        team_id
            The team whose tablet called in.
        """
        ...

    def presence(self, session_id: str) -> dict[str, float]:
        """When each team's tablet last called in.

        Parameters
        ----------
        session_id
            The session's id.

        Returns
        -------
        dict of str to float
            Team id -> seconds since the epoch; teams never seen are absent.
        """
        ...

    def add_desk(self, grant: DeskGrant) -> None:
        """Keep a new desk grant (expired grants are dropped on the way).

        Parameters
        ----------
        grant
            The grant (its digest is its key).
        """
        ...

    def find_desk(self, digest: str) -> DeskGrant | None:
        """The grant of a desk token, by the token's digest.

        Parameters
        ----------
        digest
            :func:`~codesign.domain.desks.token_digest` of the browser's token.

        Returns
        -------
        DeskGrant or None
            None when there is none (never issued, signed out, or dropped after expiry).
        """
        ...

    def revoke_desks(self, digest: str | None = None) -> int:
        """Sign out one desk (by digest) or every desk (``None``).

        Parameters
        ----------
        digest
            The desk's token digest, or None for all.

        Returns
        -------
        int
            How many grants were removed.
        """
        ...

    def desks(self) -> list[DeskGrant]:
        """Every desk grant kept (expired ones included until the next :meth:`add_desk`).

        Returns
        -------
        list of DeskGrant
            Oldest first.
        """
        ...

    def load_disputes(self, session_id: str) -> DisputeVote:
        """The session's dispute vote.

        Parameters
        ----------
        session_id
            The session's id.

        Returns
        -------
        DisputeVote
            Status ``none`` before the facilitator sends disputes to a vote.
        """
        ...

    def update_disputes(self, session_id: str, change: Callable[[DisputeVote], DisputeVote]) -> DisputeVote:
        """Apply one change (open, a ballot, close) to the stored dispute vote, atomically.

        Parameters
        ----------
        session_id
            The session's id.
        change
            Gives the new vote from the current one (may raise to change nothing).

        Returns
        -------
        DisputeVote
            The new vote, as stored.
        """
        ...


class DisputesDocument(ABC):
    """The dispute vote as the session's JSON document ``disputes`` (for a store with documents)."""

    @abstractmethod
    def _read_document(self, session_id: str, name: str) -> Any:
        """The session's JSON document ``name``, None when there is none."""

    @abstractmethod
    def _update_document(self, session_id: str, name: str, apply: Callable[[Any], tuple[_Value, Any]]) -> _Value:
        """Under the session's lock: ``apply`` the document, store the new document it gives, return its value."""

    def load_disputes(self, session_id: str) -> DisputeVote:
        """The session's dispute vote (see :meth:`RoomStore.load_disputes`).

        Parameters
        ----------
        session_id
            The session's id.

        Returns
        -------
        DisputeVote
            As stored.
        """
        return disputes_from_json(self._read_document(session_id, "disputes"))

    def update_disputes(self, session_id: str, change: Callable[[DisputeVote], DisputeVote]) -> DisputeVote:
        """Change the stored dispute vote under the session's lock (see :meth:`RoomStore.update_disputes`).

        Parameters
        ----------
        session_id
            The session's id.
        change
            Gives the new vote from the current one.

        Returns
        -------
        DisputeVote
            As stored.
        """

        def apply(document: Any) -> tuple[DisputeVote, Any]:
            new = change(disputes_from_json(document))
            return new, disputes_to_json(new)

        return self._update_document(session_id, "disputes", apply)


def grant_to_json(grant: DeskGrant) -> dict[str, str]:
    """A desk grant as a JSON object.

    Parameters
    ----------
    grant
        The grant.

    Returns
    -------
    dict of str to str
        Its fields.
    """
    return {
        "digest": grant.digest,
        "binding": grant.binding,
        "role": grant.role,
        "session_id": grant.session_id,
        "issued_at": grant.issued_at,
        "expires_at": grant.expires_at,
    }


def grant_from_json(data: dict[str, Any]) -> DeskGrant:
    """A desk grant from :func:`grant_to_json`'s object.

    Parameters
    ----------
    data
        The object.

    Returns
    -------
    DeskGrant
        The grant.
    """
    role: DeskRole = "reviewer" if data.get("role") == "reviewer" else "facilitator"
    return DeskGrant(
        digest=str(data["digest"]),
        binding=str(data["binding"]),
        role=role,
        session_id=str(data.get("session_id", "")),
        issued_at=str(data["issued_at"]),
        expires_at=str(data["expires_at"]),
    )
