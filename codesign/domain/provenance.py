"""Where a feature of the joint vision came from: the teams behind it, their support and dots, the plan.

The joint vision is drawn from the consensus (:func:`codesign.analysis.consensus.joint_vision`);
each of its features then carries a :class:`Provenance`: ``origin`` ``consensus``, the teams
whose concepts give it its use, the support ``k`` of the ``voices`` N, the dot votes on the
teams' shapes behind it (and on the agreed ground of its use), and whether the plan has the same
use there. When the facilitator edits the vision in front of the room a feature keeps its
provenance (reshaped or given another category, it is marked ``edited``); a feature drawn new in
the room has ``origin`` ``room``. The GeoJSON form is the optional ``provenance`` object of a
feature's properties (docs/concept-format.md); files without it read as before.

>>> p = Provenance("consensus", ("team-1", "team-2"), support=2, voices=3, votes=4, plan_same_use=False)
>>> provenance_from_json(provenance_to_json(p)) == p
True
>>> edited(p).edited, edited(None)
(True, None)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from codesign.errors import InvalidConceptError

__all__ = [
    "ORIGINS",
    "ROOM",
    "Provenance",
    "edited",
    "new_feature_provenance",
    "provenance_from_json",
    "provenance_to_json",
]

#: ``consensus``: drawn from what the teams agree on; ``room``: drawn new while editing the vision.
ORIGINS = ("consensus", "room")
_MAX_TEAMS = 40


@dataclass(frozen=True)
class Provenance:
    """Where one feature of the joint vision came from."""

    origin: str  # of ORIGINS
    teams: tuple[str, ...] = ()  # team ids whose concepts give it this use, in session order
    support: int = 0  # k: how many of the voices back it (area-weighted for a zone)
    voices: int = 0  # N: the voices of the consensus it was drawn from
    votes: int = 0  # dots on the teams' shapes behind it
    ground_votes: int = 0  # dots on the agreed ground of its use (shared by every shape of that use)
    plan_same_use: bool | None = None  # None: no plan in the session when it was drawn
    plan_use: str = ""  # the plan's main use there (a category, ``unassigned``), "" when unknown
    edited: bool = False  # reshaped or recategorised in the room after it was drawn


#: The provenance of a feature drawn new in the room while the vision was edited.
ROOM = Provenance("room")


def edited(provenance: Provenance | None) -> Provenance | None:
    """The provenance of a feature changed in the room: the same, marked ``edited``.

    Parameters
    ----------
    provenance
        The feature's provenance, or None (a concept that keeps none).

    Returns
    -------
    Provenance or None
        Marked edited (a feature drawn in the room stays ``room``), or None.
    """
    if provenance is None or provenance.origin == "room" or provenance.edited:
        return provenance
    return replace(provenance, edited=True)


def new_feature_provenance(source: Mapping[str, Any] | None) -> Provenance | None:
    """What a feature drawn new in a concept carries: :data:`ROOM` in a vision drawn from the consensus.

    Parameters
    ----------
    source
        The concept's ``source`` (a vision drawn from the consensus has ``{"from": "consensus"}``).

    Returns
    -------
    Provenance or None
        :data:`ROOM`, or None for a team's concept or the plan.
    """
    return ROOM if isinstance(source, Mapping) and source.get("from") == "consensus" else None


def provenance_to_json(provenance: Provenance) -> dict[str, Any]:
    """The ``provenance`` object of a feature's GeoJSON properties.

    Parameters
    ----------
    provenance
        The provenance.

    Returns
    -------
    dict
        JSON-ready (docs/concept-format.md).
    """
    return {
        "origin": provenance.origin,
        "teams": list(provenance.teams),
        "support": provenance.support,
        "voices": provenance.voices,
        "votes": provenance.votes,
        "ground_votes": provenance.ground_votes,
        "plan_same_use": provenance.plan_same_use,
        "plan_use": provenance.plan_use,
        "edited": provenance.edited,
    }


def provenance_from_json(value: Any) -> Provenance | None:
    """Read a feature's ``provenance`` object; None when there is none (files written before it).

    Members it does not know are ignored (a newer file reads); a member of the wrong type is
    refused (:class:`InvalidConceptError` ``concept.bad_field``).

    Parameters
    ----------
    value
        The ``provenance`` member of a feature's properties, or None.

    Returns
    -------
    Provenance or None
        The provenance.
    """
    if value is None:
        return None
    if not isinstance(value, Mapping) or value.get("origin") not in ORIGINS:
        raise InvalidConceptError("concept.bad_field", field="provenance")
    teams = value.get("teams", [])
    if not isinstance(teams, list) or len(teams) > _MAX_TEAMS or not all(_short_text(t) for t in teams):
        raise InvalidConceptError("concept.bad_field", field="provenance.teams")
    numbers = {name: value.get(name, 0) for name in ("support", "voices", "votes", "ground_votes")}
    for name, number in numbers.items():
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= 1_000_000:
            raise InvalidConceptError("concept.bad_field", field=f"provenance.{name}")
    same = value.get("plan_same_use")
    plan_use = value.get("plan_use", "")
    if same is not None and not isinstance(same, bool):
        raise InvalidConceptError("concept.bad_field", field="provenance.plan_same_use")
    if not _short_text(plan_use, allow_empty=True) or not isinstance(value.get("edited", False), bool):
        raise InvalidConceptError("concept.bad_field", field="provenance")
    return Provenance(
        origin=str(value["origin"]),
        teams=tuple(teams),
        support=numbers["support"],
        voices=numbers["voices"],
        votes=numbers["votes"],
        ground_votes=numbers["ground_votes"],
        plan_same_use=same,
        plan_use=plan_use,
        edited=bool(value.get("edited", False)),
    )


def _short_text(value: Any, *, allow_empty: bool = False) -> bool:
    return isinstance(value, str) and (allow_empty or bool(value)) and len(value) <= 64
