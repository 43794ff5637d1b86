"""Votes that settle disputes: each contested region of the consensus, its competing uses, a ballot per team.

The facilitator sends the contested regions (:func:`codesign.analysis.disputes.contested_regions`)
to a vote; each team's tablet then picks one use per region; the facilitator closes the vote,
and each region's winning use goes into the joint vision. Pure rules over an immutable
:class:`DisputeVote`; the store keeps it as a JSON document of the session.

>>> from shapely.geometry import box
>>> region = DisputedRegion("r1", box(0, 0, 1, 1), 800.0, ("playground", "lawn"), (1.0, 1.0))
>>> vote = open_vote((region,), opened_at="2026-12-03T10:00:00+00:00", voices=("team-1", "team-2"))
>>> vote = cast_ballot(vote, "team-1", "r1", "lawn")
>>> vote = cast_ballot(vote, "team-2", "r1", "lawn")
>>> region_tally(vote, "r1"), winner(vote, "r1")
({'playground': 0, 'lawn': 2}, 'lawn')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from codesign.errors import VoteRefused

__all__ = [
    "Ballot",
    "DisputeVote",
    "DisputedRegion",
    "cast_ballot",
    "close_vote",
    "disputes_from_json",
    "disputes_to_json",
    "open_vote",
    "region_tally",
    "winner",
]

Status = Literal["none", "open", "closed"]


@dataclass(frozen=True)
class DisputedRegion:
    """A contested region: adjacent contested faces grouped, and the uses that compete there."""

    id: str  # r1, r2, ... largest first
    geometry: BaseGeometry  # lon/lat (WGS84)
    area_m2: float
    choices: tuple[str, ...]  # zone categories, most supported first
    support: tuple[float, ...]  # per choice: how many voices give it, area-weighted over the region


@dataclass(frozen=True)
class Ballot:
    """One team's choice for one region (a later ballot of the team for the region replaces it)."""

    team: str
    region: str
    choice: str


@dataclass(frozen=True)
class DisputeVote:
    """The session's dispute vote: its regions, the ballots, and whether it is open."""

    regions: tuple[DisputedRegion, ...] = ()
    ballots: tuple[Ballot, ...] = ()
    status: Status = "none"
    opened_at: str = ""
    voices: tuple[str, ...] = ()  # whose concepts the regions came from
    #: The joint vision's version that took the winners (0: not yet).
    applied_version: int = 0

    @property
    def is_open(self) -> bool:
        """Whether teams may vote now.

        Returns
        -------
        bool
            True while the vote is open.
        """
        return self.status == "open"

    def region(self, region_id: str) -> DisputedRegion:
        """The region with that id (``disputes.bad_choice`` if there is none).

        Parameters
        ----------
        region_id
            ``r1``, ``r2``, ...

        Returns
        -------
        DisputedRegion
            The region.
        """
        for region in self.regions:
            if region.id == region_id:
                return region
        raise VoteRefused("disputes.bad_choice")

    def ballot_of(self, team: str, region_id: str) -> str | None:
        """The team's current choice for a region.

        Parameters
        ----------
        team
            The team's id.
        region_id
            The region's id.

        Returns
        -------
        str or None
            The chosen category, or None before the team voted.
        """
        return next((b.choice for b in self.ballots if b.team == team and b.region == region_id), None)


def open_vote(regions: tuple[DisputedRegion, ...], *, opened_at: str, voices: tuple[str, ...]) -> DisputeVote:
    """A new, open vote on these regions (earlier ballots are gone).

    Parameters
    ----------
    regions
        The contested regions (``disputes.none`` when there are none).
    opened_at
        When (ISO 8601).
    voices
        The owners whose concepts made the consensus.

    Returns
    -------
    DisputeVote
        Open, with no ballots.
    """
    if not regions:
        raise VoteRefused("disputes.none")
    return DisputeVote(regions=regions, status="open", opened_at=opened_at, voices=voices)


def cast_ballot(vote: DisputeVote, team: str, region_id: str, choice: str) -> DisputeVote:
    """The vote with the team's choice for one region (replacing its earlier one).

    Refused: the vote is not open (``disputes.closed``); no such region or the use is not one
    of its choices (``disputes.bad_choice``).

    Parameters
    ----------
    vote
        The vote.
    team
        The voting team (its link checked by the caller).
    region_id
        The region.
    choice
        A category among the region's choices.

    Returns
    -------
    DisputeVote
        With the ballot.
    """
    if not vote.is_open:
        raise VoteRefused("disputes.closed")
    if choice not in vote.region(region_id).choices:
        raise VoteRefused("disputes.bad_choice")
    kept = tuple(b for b in vote.ballots if not (b.team == team and b.region == region_id))
    return replace(vote, ballots=(*kept, Ballot(team, region_id, choice)))


def close_vote(vote: DisputeVote) -> DisputeVote:
    """The vote closed: no more ballots; the tally stands.

    Parameters
    ----------
    vote
        The vote (``disputes.closed`` if it is not open).

    Returns
    -------
    DisputeVote
        Closed.
    """
    if not vote.is_open:
        raise VoteRefused("disputes.closed")
    return replace(vote, status="closed")


def region_tally(vote: DisputeVote, region_id: str) -> dict[str, int]:
    """Ballots per choice of one region, in the region's choice order.

    Parameters
    ----------
    vote
        The vote.
    region_id
        The region.

    Returns
    -------
    dict of str to int
        Every choice, with 0 for those nobody picked.
    """
    counts = dict.fromkeys(vote.region(region_id).choices, 0)
    for ballot in vote.ballots:
        if ballot.region == region_id and ballot.choice in counts:
            counts[ballot.choice] += 1
    return counts


def winner(vote: DisputeVote, region_id: str) -> str | None:
    """The use with the most ballots; None when nobody voted or the top is tied.

    Parameters
    ----------
    vote
        The vote.
    region_id
        The region.

    Returns
    -------
    str or None
        The winning category.
    """
    counts = region_tally(vote, region_id)
    top = max(counts.values(), default=0)
    leaders = [c for c, n in counts.items() if n == top]
    return leaders[0] if top > 0 and len(leaders) == 1 else None


def disputes_to_json(vote: DisputeVote) -> dict[str, Any]:
    """The vote as the stores keep it (regions' geometry as GeoJSON).

    Parameters
    ----------
    vote
        The vote.

    Returns
    -------
    dict
        JSON-ready.
    """
    return {
        "status": vote.status,
        "opened_at": vote.opened_at,
        "voices": list(vote.voices),
        "applied_version": vote.applied_version,
        "regions": [
            {
                "id": r.id,
                "geometry": mapping(r.geometry),
                "area_m2": r.area_m2,
                "choices": list(r.choices),
                "support": list(r.support),
            }
            for r in vote.regions
        ],
        "ballots": [[b.team, b.region, b.choice] for b in vote.ballots],
    }


def disputes_from_json(document: Mapping[str, Any] | None) -> DisputeVote:
    """The vote a store kept (``None``: no vote yet).

    Parameters
    ----------
    document
        What :func:`disputes_to_json` gave, or None.

    Returns
    -------
    DisputeVote
        The vote (status ``none`` when there is none).
    """
    if not document:
        return DisputeVote()
    regions = tuple(
        DisputedRegion(
            str(r["id"]),
            shapely.make_valid(shape(r["geometry"])),
            float(r["area_m2"]),
            tuple(str(c) for c in r["choices"]),
            tuple(float(s) for s in r["support"]),
        )
        for r in document.get("regions", ())
    )
    status = document.get("status", "none")
    return DisputeVote(
        regions=regions,
        ballots=tuple(Ballot(str(t), str(r), str(c)) for t, r, c in document.get("ballots", ())),
        status=status if status in ("open", "closed") else "none",
        opened_at=str(document.get("opened_at", "")),
        voices=tuple(str(v) for v in document.get("voices", ())),
        applied_version=int(document.get("applied_version", 0)),
    )
