"""Dot voting: each team (or each participant) places N dots on other teams' shapes.

Pure rules over an immutable list of votes; the store keeps the list.

>>> rules = VotingRules(dots=2)
>>> votes = cast((), Vote("team-1", "", "team-2", "f3"), rules, is_open=True)
>>> tally(votes)
{('team-2', 'f3'): 1}
>>> cast(votes, Vote("team-1", "", "team-1", "f1"), rules, is_open=True)
Traceback (most recent call last):
...
codesign.errors.VoteRefused: You cannot vote for your own team's work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from codesign.errors import VoteRefused

__all__ = [
    "CONSENSUS_TARGET",
    "Vote",
    "Votes",
    "VotingRules",
    "cast",
    "dots_left",
    "retract",
    "tally",
    "team_letter",
    "votes_from_json",
    "votes_to_json",
]

MAX_PARTICIPANTS = 50
#: ``target_owner`` of a dot put on the area the teams agree on for one category
#: (``target_feature`` is then the category id); it belongs to no team, so anyone may vote.
CONSENSUS_TARGET = "consensus"


@dataclass(frozen=True)
class VotingRules:
    """How many dots each voter has, and who votes (teams or participants).

    ``anonymous`` also asks every screen to show teams as A, B, C.
    """

    dots: int = 3
    mode: Literal["team", "participant"] = "team"
    #: Show teams as A, B, C ... in the gallery and when voting, for a fair discussion.
    anonymous: bool = False


@dataclass(frozen=True)
class Vote:
    """One dot: who placed it (team, and participant number in participant mode) and where."""

    team: str
    participant: str  # "" in team mode, "1", "2", ... in participant mode
    target_owner: str  # a team id (not the voter's own)
    target_feature: str  # a feature id of that team's concept


#: The votes of a session as a store keeps them: the rules and every dot placed.
Votes = tuple[VotingRules, tuple[Vote, ...]]


def _voter(vote: Vote, rules: VotingRules) -> tuple[str, str]:
    return (vote.team, vote.participant if rules.mode == "participant" else "")


def dots_left(votes: Sequence[Vote], team: str, participant: str, rules: VotingRules) -> int:
    """How many dots this voter can still place.

    Parameters
    ----------
    votes
        Every dot placed so far.
    team
        The voter's team.
    participant
        The participant's number in participant mode ("" in team mode).
    rules
        The voting rules.

    Returns
    -------
    int
        The dots left (0 or more).
    """
    voter = (team, participant if rules.mode == "participant" else "")
    return rules.dots - sum(1 for v in votes if _voter(v, rules) == voter)


def cast(votes: Sequence[Vote], vote: Vote, rules: VotingRules, *, is_open: bool) -> tuple[Vote, ...]:
    """The votes with one more dot; :class:`VoteRefused` says why not.

    Refused: the vote round is not open (``votes.closed``), voting for one's own team
    (``votes.self``), no dots left (``votes.budget``), a participant number missing or out of
    range in participant mode (``votes.participant``).

    Parameters
    ----------
    votes
        Every dot placed so far.
    vote
        The dot: its voter and its target.
    rules
        The voting rules.
    is_open
        Whether voting is open now (:func:`codesign.domain.rounds.voting_open`).

    Returns
    -------
    tuple of Vote
        The votes with the dot added (participant number dropped in team mode).
    """
    if not is_open:
        raise VoteRefused("votes.closed")
    if vote.target_owner == vote.team:
        raise VoteRefused("votes.self")
    if rules.mode == "participant" and not (
        vote.participant.isdigit() and 1 <= int(vote.participant) <= MAX_PARTICIPANTS
    ):
        raise VoteRefused("votes.participant", limit=MAX_PARTICIPANTS)
    if dots_left(votes, vote.team, vote.participant, rules) <= 0:
        raise VoteRefused("votes.budget", dots=rules.dots)
    normalised = vote if rules.mode == "participant" else Vote(vote.team, "", vote.target_owner, vote.target_feature)
    return (*votes, normalised)


def retract(votes: Sequence[Vote], vote: Vote, rules: VotingRules, *, is_open: bool) -> tuple[Vote, ...]:
    """The votes with one of this voter's dots on that target taken back (the latest one).

    Parameters
    ----------
    votes
        Every dot placed so far.
    vote
        The dot: its voter and its target.
    rules
        The voting rules.
    is_open
        Whether voting is open now (:func:`codesign.domain.rounds.voting_open`).

    Returns
    -------
    tuple of Vote
        The votes without it (``votes.none_to_retract`` if the voter has none there).
    """
    if not is_open:
        raise VoteRefused("votes.closed")
    voter = _voter(vote, rules)
    for index in range(len(votes) - 1, -1, -1):
        v = votes[index]
        if _voter(v, rules) == voter and (v.target_owner, v.target_feature) == (vote.target_owner, vote.target_feature):
            return (*votes[:index], *votes[index + 1 :])
    raise VoteRefused("votes.none_to_retract")


def tally(votes: Iterable[Vote]) -> dict[tuple[str, str], int]:
    """Dots per target, most first.

    Parameters
    ----------
    votes
        The dots.

    Returns
    -------
    dict
        ``(target owner, target feature)`` -> number of dots.
    """
    return dict(Counter((v.target_owner, v.target_feature) for v in votes).most_common())


def votes_to_json(rules: VotingRules, votes: Sequence[Vote]) -> dict[str, Any]:
    """JSON-ready form of the rules and the votes.

    Parameters
    ----------
    rules
        The voting rules.
    votes
        The dots.

    Returns
    -------
    dict
        What :func:`votes_from_json` reads back.
    """
    return {"rules": asdict(rules), "votes": [asdict(v) for v in votes]}


def votes_from_json(data: dict[str, Any]) -> Votes:
    """Read what :func:`votes_to_json` wrote.

    Parameters
    ----------
    data
        The stored document.

    Returns
    -------
    Votes
        The rules and the dots.
    """
    rules = VotingRules(**data.get("rules", {}))
    return rules, tuple(Vote(**v) for v in data.get("votes", []))


def team_letter(index: int) -> str:
    """A, B, ..., Z, AA, AB ... for the team at ``index`` (0-based), for anonymous display.

    >>> team_letter(0), team_letter(25), team_letter(26)
    ('A', 'Z', 'AA')

    Parameters
    ----------
    index
        The team's position, from 0.

    Returns
    -------
    str
        Its letters.
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
