"""Votes that settle disputes, with a store: send the contested regions to a vote, take ballots, settle.

The facilitator sends the consensus's contested regions
(:func:`codesign.analysis.disputes.contested_regions`) to a vote; each team's tablet casts one
ballot per region through :func:`cast_dispute_ballot` (its link checked as for every write,
again under the store's lock); the facilitator then closes the vote and
:func:`settle_disputes` writes each region's winning use into the joint vision, through the
facilitator's write gate. Ties and regions nobody voted on stay as they were: the room decides
them by hand in the vision's editor.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from codesign.analysis.consensus import Consensus, joint_vision
from codesign.analysis.disputes import MIN_DISPUTE_AREA_M2, contested_regions, vision_with_winners
from codesign.domain.concept import Concept
from codesign.domain.disputes import DisputeVote, cast_ballot, close_vote, open_vote
from codesign.domain.session import VISION_OWNER
from codesign.services.gate import WriteGate, WriteRefused
from codesign.storage.base import Store

__all__ = ["cast_dispute_ballot", "send_disputes_to_vote", "settle_disputes"]


def send_disputes_to_vote(
    store: Store,
    session_id: str,
    consensus: Consensus,
    *,
    now: datetime,
    min_area_m2: float = MIN_DISPUTE_AREA_M2,
) -> DisputeVote:
    """Open a vote on the consensus's contested regions (a new vote replaces the last one).

    Call it for the facilitator only.

    Parameters
    ----------
    store
        The store.
    session_id
        The session.
    consensus
        The teams' consensus now.
    now
        When the vote opens.
    min_area_m2
        The smallest region sent to the vote.

    Returns
    -------
    DisputeVote
        The open vote (``disputes.none`` when nothing is contested).
    """
    regions = contested_regions(consensus, min_area_m2)
    opened = open_vote(regions, opened_at=now.isoformat(timespec="seconds"), voices=consensus.voices)
    return store.update_disputes(session_id, lambda _: opened)


def cast_dispute_ballot(gate: WriteGate, region_id: str, choice: str) -> DisputeVote:
    """A team's ballot for one region, its link checked before and again under the store's lock.

    Parameters
    ----------
    gate
        The team's write gate (a facilitator's is refused: ballots belong to teams).
    region_id
        The region.
    choice
        A use among the region's choices.

    Returns
    -------
    DisputeVote
        The vote as stored now.
    """
    team = gate.writer.team_id
    if team is None:
        raise WriteRefused("write.not_owner")
    gate.check_link()

    def apply(vote: DisputeVote) -> DisputeVote:
        gate.check_link()  # again under the lock: a reissue between the two reads is seen
        return cast_ballot(vote, team, region_id, choice)

    return gate.store.update_disputes(gate.session_id, apply)


def settle_disputes(gate: WriteGate, consensus: Consensus, *, site: str, title: str) -> tuple[DisputeVote, Concept]:
    """Close the vote (if open) and write each region's winning use into the joint vision.

    The joint vision is the latest saved one, or the consensus's first draft when none is
    saved yet. The winners are cut into it as zones (what was under them is cut away), saved
    as a new version through the facilitator's ``gate``; the vote records that version.

    Parameters
    ----------
    gate
        The facilitator's write gate.
    consensus
        The teams' consensus (for a first draft of the vision, and the site's frame).
    site
        The site's id.
    title
        The title of a first draft.

    Returns
    -------
    tuple of (DisputeVote, Concept)
        The closed vote and the vision as saved.
    """
    store, session_id = gate.store, gate.session_id
    vote = store.update_disputes(session_id, lambda v: close_vote(v) if v.is_open else v)
    vision = store.load_latest(session_id, VISION_OWNER) or joint_vision(consensus, site=site, title=title)
    saved = gate.save_concept(VISION_OWNER, vision_with_winners(vision, vote, consensus.frame), base_version=None)
    vote = store.update_disputes(session_id, lambda v: replace(v, applied_version=saved.version))
    return vote, saved
