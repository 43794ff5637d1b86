"""A whole session analysed: what the report and the exports show, built from concepts (no store).

:func:`analyse_session` takes the session, its site and the latest concepts (every team's, the
akimat's plan, the joint vision) and computes their figures, each concept compared with the
plan, the consensus of the teams, and the :class:`Place` s where the teams agree and the plan
lacks their use (*asks*) or has it (*agreements*). :func:`codesign.services.analysis.load_analysis`
reads those concepts from a store and calls it.

The session's rules that the pages, the report and the command line share live here too:
:func:`voice_owners` (whose concepts are the voices of a consensus), :func:`owner_name` (a
team's name, or the plan's and the vision's translated names) and :func:`agreed_areas` (the
agreed ground the room may put dots on, from :data:`MIN_VOTE_AREA_M2`).

>>> from codesign.domain.session import Session, Team
>>> s = Session("s-1", "T", "aksu-city-square", "2026-12-01", "", (Team("team-1", "Орлы", "#4477AA", "t"),))
>>> owner_name(s, "team-1", "en"), owner_name(s, "plan", "en"), owner_name(s, "team-1", "en", with_id=True)
('Орлы', 'Akimat plan', 'Орлы (team-1)')
>>> voice_owners(s), voice_owners(s, with_plan=True)
(('team-1',), ('team-1', 'plan'))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from codesign.analysis.compare import UNASSIGNED, Comparison, categorical_map, compare_concepts
from codesign.analysis.consensus import (
    DEFAULT_CLUSTER_DISTANCE_M,
    DEFAULT_THRESHOLD,
    Consensus,
    build_consensus,
    direction,
)
from codesign.analysis.cost import CostEstimate, figures_cost
from codesign.analysis.figures import Figures, concept_figures
from codesign.analysis.norms import NormReport, check_concept
from codesign.domain.concept import Concept
from codesign.domain.disputes import DisputeVote
from codesign.domain.geometry import MetricFrame
from codesign.domain.prices import SessionCosting
from codesign.domain.reasons import Reasons
from codesign.domain.rules import RulePack
from codesign.domain.session import PLAN_OWNER, VISION_OWNER, Session, Team
from codesign.domain.site import Site
from codesign.domain.taxonomy import categories
from codesign.domain.votes import Vote, tally
from codesign.errors import CodesignError
from codesign.i18n import translate

__all__ = [
    "MIN_PLACE_M2",
    "MIN_VOTE_AREA_M2",
    "MIN_PLACE_WIDTH_M",
    "Place",
    "SessionAnalysis",
    "agreed_areas",
    "agreed_places",
    "analyse_session",
    "owner_name",
    "voice_owners",
    "with_norms",
]

#: Agreed ground is listed as a place only from this area (m²) ...
MIN_PLACE_M2 = 25.0
#: ... and only if it is at least this wide somewhere (m): thin slivers where two outlines
#: differ by a step are drawing slop, not a wish.
MIN_PLACE_WIDTH_M = 2.0
_EMPTY = shapely.Polygon()
#: The agreed ground of a category is offered for dot votes only from this area (m²): less is a
#: sliver between outlines, not a place the room can point at.
MIN_VOTE_AREA_M2 = 50.0


@dataclass(frozen=True)
class Place:
    """A piece of ground the teams agree on, set against the plan.

    In :attr:`SessionAnalysis.asks` the plan has another use (or none) there; in
    :attr:`SessionAnalysis.agreements` the plan has the same use.
    """

    category: str
    area_m2: float
    direction: str  # n, ne, ..., centre, spread (codesign.analysis.consensus.direction)
    lon: float  # a point inside the place
    lat: float
    plan_category: str  # the plan's largest class there, or "unassigned"
    teams: float  # how many teams give it this use (area-weighted mean)
    geometry: BaseGeometry = field(repr=False)  # metres, site CRS


@dataclass(frozen=True)
class SessionAnalysis:
    """Everything the report and the exports show for one session."""

    session: Session
    site: Site
    teams: tuple[tuple[Team, Concept], ...]  # teams with a saved concept, in session order
    plan: Concept | None
    vision: Concept | None
    figures: Mapping[str, Figures]  # owner (team id, plan, vision) -> figures
    comparisons: Mapping[str, Comparison]  # team id or vision -> compared with the plan
    consensus: Consensus
    plan_map: Mapping[str, BaseGeometry]  # the plan's categorical map (metres)
    asks: tuple[Place, ...]
    agreements: tuple[Place, ...]
    #: Dot votes: ((team id, feature id), dots), most first; empty when nobody voted.
    votes: tuple[tuple[tuple[str, str], int], ...] = ()
    #: The design-norm rule pack the session checks with (None: no pack), and each saved concept's
    #: checks: owner (team id, plan, vision) -> report (:mod:`codesign.analysis.norms`).
    rules: RulePack | None = None
    norms: Mapping[str, NormReport] = field(default_factory=dict)
    #: The price list and budget the costs are worked out with.
    costing: SessionCosting = field(default_factory=SessionCosting)
    #: The room's reasons for the differences between the concepts and the plan.
    reasons: Reasons = ()

    def costs(self) -> dict[str, CostEstimate]:
        """Every saved concept's cost with the session's price list (:mod:`codesign.analysis.cost`).

        Returns
        -------
        dict of str to CostEstimate
            Owner -> estimate, in the order of :meth:`concepts`.
        """
        return {owner: figures_cost(self.figures[owner], self.costing.prices) for owner, _ in self.concepts()}

    #: The vote that settled contested areas (:mod:`codesign.domain.disputes`); None when not loaded.
    disputes: DisputeVote | None = None

    @property
    def frame(self) -> MetricFrame:
        """The site's metric frame.

        Returns
        -------
        MetricFrame
            The frame of :attr:`site`.
        """
        return self.site.frame

    def concepts(self) -> list[tuple[str, Concept]]:
        """(owner, concept) for the teams, the plan and the vision that are saved.

        Returns
        -------
        list of (str, Concept)
            Teams in session order, then the plan, then the vision.
        """
        found = [(team.id, concept) for team, concept in self.teams]
        found += [(owner, c) for owner, c in ((PLAN_OWNER, self.plan), (VISION_OWNER, self.vision)) if c is not None]
        return found

    def illustrative_concepts(self) -> list[str]:
        """Owners whose concept is marked illustrative.

        Returns
        -------
        list of str
            Owners, in the order of :meth:`concepts`.
        """
        return [owner for owner, concept in self.concepts() if concept.illustrative]

    @property
    def illustrative(self) -> bool:
        """Whether any of the data is invented (site, session or a concept).

        Returns
        -------
        bool
            True when the report must say so.
        """
        return self.site.illustrative or self.session.illustrative or bool(self.illustrative_concepts())


def owner_name(session: Session, owner: str, lang: str, *, with_id: bool = False) -> str:
    """A team's name, or the translated name of the plan or the joint vision.

    Parameters
    ----------
    session : Session
        The session the team belongs to.
    owner : str
        A team id, ``plan`` or ``vision``.
    lang : str
        The language of the plan's and the vision's names.
    with_id : bool
        Add the team's id in brackets (as the command line prints it).

    Returns
    -------
    str
        The name, as plain text (escape it for markdown or HTML).

    Raises
    ------
    CodesignError
        ``error.team_not_found`` when the session has no such team.
    """
    if owner == PLAN_OWNER:
        return translate("compare.plan", lang)
    if owner == VISION_OWNER:
        return translate("vision.name", lang)
    name = session.team(owner).name
    return f"{name} ({owner})" if with_id else name


def voice_owners(session: Session, *, with_plan: bool = False) -> tuple[str, ...]:
    """Whose concepts are the voices of a consensus: every team, and the plan when asked.

    The joint vision is never a voice (it is drawn from the consensus). Only owners that have
    saved a concept take part (:func:`codesign.services.analysis.voices`).

    Parameters
    ----------
    session : Session
        The session.
    with_plan : bool
        Count the akimat's plan as one more voice.

    Returns
    -------
    tuple of str
        Team ids in session order, then ``plan`` if asked.
    """
    return tuple(team.id for team in session.teams) + ((PLAN_OWNER,) if with_plan else ())


def analyse_session(
    session: Session,
    site: Site,
    teams: Mapping[str, Concept],
    plan: Concept | None = None,
    vision: Concept | None = None,
    votes: Iterable[Vote] = (),
    *,
    threshold: float = DEFAULT_THRESHOLD,
    cluster_distance_m: float = DEFAULT_CLUSTER_DISTANCE_M,
    costing: SessionCosting | None = None,
    reasons: Reasons = (),
) -> SessionAnalysis:
    """Figures, comparisons with the plan, consensus and places of a session's latest concepts.

    Parameters
    ----------
    session : Session
        The session.
    site : Site
        Its site.
    teams : Mapping of str to Concept
        Team id -> the team's latest concept (teams that saved none are left out).
    plan : Concept or None
        The akimat's plan, if it is in the session.
    vision : Concept or None
        The joint vision, if it was started.
    votes : Iterable of Vote
        The session's dot votes.
    threshold : float
        Share of the voices at which ground counts as agreed.
    cluster_distance_m : float
        Distance (m) within which amenities of one type form a cluster.
    costing : SessionCosting or None
        The session's price list and budget (None: the default price list, no budget).
    reasons : Reasons
        The room's reasons for the differences from the plan.

    Returns
    -------
    SessionAnalysis
        The analysis, teams in session order.

    Raises
    ------
    CodesignError
        ``cli.no_concepts`` when no team has saved a concept yet.
    """
    frame = site.frame
    saved = tuple((team, teams[team.id]) for team in session.teams if team.id in teams)
    if not saved:
        raise CodesignError("cli.no_concepts", session_id=session.id)
    figures: dict[str, Figures] = {team.id: concept_figures(concept, frame) for team, concept in saved}
    comparisons: dict[str, Comparison] = {}
    for owner, concept in ((PLAN_OWNER, plan), (VISION_OWNER, vision)):
        if concept is not None:
            figures[owner] = concept_figures(concept, frame)
    if plan is not None:
        for team, concept in saved:
            comparisons[team.id] = compare_concepts(concept, plan, frame)
        if vision is not None:
            comparisons[VISION_OWNER] = compare_concepts(vision, plan, frame)
    consensus = build_consensus(
        [concept for _, concept in saved], frame, threshold=threshold, cluster_distance_m=cluster_distance_m
    )
    plan_map = categorical_map(plan, frame) if plan is not None else {}
    asks = agreed_places(consensus, plan_map, lacking=True) if plan is not None else ()
    agreements = agreed_places(consensus, plan_map, lacking=False) if plan is not None else ()
    return SessionAnalysis(
        *(session, site, saved, plan, vision, figures, comparisons, consensus, plan_map, asks, agreements),
        votes=tuple(tally(votes).items()),
        costing=costing if costing is not None else SessionCosting(),
        reasons=tuple(reasons),
    )


def with_norms(analysis: SessionAnalysis, rules: RulePack | None) -> SessionAnalysis:
    """The analysis with every saved concept checked against a design-norm rule pack.

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.
    rules : RulePack or None
        The pack (None: no checks, :attr:`SessionAnalysis.norms` empty).

    Returns
    -------
    SessionAnalysis
        A copy with :attr:`~SessionAnalysis.rules` and :attr:`~SessionAnalysis.norms` set.
    """
    if rules is None:
        return replace(analysis, rules=None, norms={})
    norms = {owner: check_concept(c, rules, analysis.site) for owner, c in analysis.concepts()}
    return replace(analysis, rules=rules, norms=norms)


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    polys = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and not g.is_empty]
    return shapely.union_all(polys) if polys else _EMPTY


def agreed_places(consensus: Consensus, plan_map: Mapping[str, BaseGeometry], *, lacking: bool) -> tuple[Place, ...]:
    """Agreed ground where the plan lacks the teams' use (``lacking``), or has the same use; largest first.

    Pieces under :data:`MIN_PLACE_M2` or nowhere :data:`MIN_PLACE_WIDTH_M` wide are left out.

    Parameters
    ----------
    consensus : Consensus
        The teams' consensus.
    plan_map : Mapping of str to BaseGeometry
        The plan's categorical map (:func:`codesign.analysis.compare.categorical_map`), metres.
    lacking : bool
        True for the places the plan lacks (asks), False for those it has (agreements).

    Returns
    -------
    tuple of Place
        The places, largest first.
    """
    frame = consensus.frame
    agreed: dict[str, list[int]] = {}
    for i, (state, cid) in enumerate(zip(consensus.states, consensus.majority, strict=True)):
        if state == "agreed":
            agreed.setdefault(cid, []).append(i)
    plan_classes = dict(plan_map)
    plan_union = shapely.union_all(list(plan_map.values())) if plan_map else _EMPTY
    plan_classes[UNASSIGNED] = shapely.difference(frame.boundary, plan_union)
    places: list[Place] = []
    for cid, idx in agreed.items():
        region = shapely.union_all(consensus.faces[idx])
        in_plan = plan_map.get(cid, _EMPTY)
        chosen = shapely.difference(region, in_plan) if lacking else shapely.intersection(region, in_plan)
        places += _places_of(consensus, cid, idx, _polygonal(chosen), plan_classes)
    places.sort(key=lambda p: -p.area_m2)
    return tuple(places)


def _places_of(
    consensus: Consensus, cid: str, idx: list[int], chosen: BaseGeometry, plan_classes: Mapping[str, BaseGeometry]
) -> list[Place]:
    """The wide enough parts of ``chosen`` (agreed faces ``idx`` of category ``cid``) as places."""
    frame = consensus.frame
    faces = consensus.faces[idx]
    tree = shapely.STRtree(faces)
    column = [c.id for c in categories("zone")].index(cid)
    places = []
    for part in shapely.get_parts(chosen):
        if part.area < MIN_PLACE_M2 or shapely.buffer(part, -MIN_PLACE_WIDTH_M / 2).is_empty:
            continue
        near = tree.query(part, predicate="intersects")
        weights = shapely.area(shapely.intersection(faces[near], part))
        counts = consensus.counts[np.asarray(idx)[near], column]
        teams = float(np.average(counts, weights=weights)) if weights.sum() > 0 else 0.0
        there = {c: float(shapely.intersection(g, part).area) for c, g in plan_classes.items() if not g.is_empty}
        plan_category = max(there, key=there.__getitem__) if there else UNASSIGNED
        point = shapely.get_coordinates(frame.to_lonlat(shapely.point_on_surface(part)))[0]
        places.append(
            Place(
                cid,
                float(part.area),
                direction(part, frame.boundary),
                round(float(point[0]), 6),
                round(float(point[1]), 6),
                plan_category,
                teams,
                part,
            )
        )
    return places


def agreed_areas(consensus: Consensus, *, min_area_m2: float = MIN_VOTE_AREA_M2) -> dict[str, float]:
    """The agreed ground of each category, largest first: what the room may put dots on.

    Parameters
    ----------
    consensus : Consensus
        The teams' consensus.
    min_area_m2 : float
        Categories with less agreed ground (m²) are left out.

    Returns
    -------
    dict of str to float
        Zone category -> agreed m², largest first (ties in the order the faces first name them).
    """
    agreed: dict[str, float] = {}
    for area, state, cid in zip(consensus.areas, consensus.states, consensus.majority, strict=True):
        if state == "agreed":
            agreed[cid] = agreed.get(cid, 0.0) + float(area)
    return {cid: area for cid, area in sorted(agreed.items(), key=lambda kv: -kv[1]) if area >= min_area_m2}
