"""The provenance of the joint vision's features, worked out when the vision is drawn from the consensus.

For a zone (a piece of agreed ground of one use, in metres):

- ``teams``: the voices whose concepts give that use to at least :data:`TEAM_MIN_SHARE` of it
  (in the order of the consensus' voices);
- ``support`` k: how many voices give it that use, averaged over its area and rounded (the rule
  of :func:`codesign.analysis.consensus.consensus_sentences`), of the ``voices`` N;
- ``votes``: the dots on those voices' zones of that use that overlap it by at least 1 m²;
  ``ground_votes``: the dots on the agreed ground of that use;
- ``plan_same_use``: whether the plan gives that use to at least half of it; ``plan_use``: the
  plan's largest use there (``unassigned`` where the plan has nothing).

For an amenity (a supported cluster): the voices with a point in the cluster, k = their number,
the dots on those points, and whether the plan has an amenity of that type within
:data:`~codesign.analysis.clusters.DEFAULT_CLUSTER_DISTANCE_M`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from codesign.analysis.clusters import DEFAULT_CLUSTER_DISTANCE_M, AmenityCluster
from codesign.analysis.compare import UNASSIGNED, categorical_map
from codesign.domain.concept import Concept
from codesign.domain.geometry import MetricFrame
from codesign.domain.provenance import Provenance
from codesign.domain.taxonomy import categories
from codesign.domain.votes import CONSENSUS_TARGET, Vote, tally

if TYPE_CHECKING:
    from codesign.analysis.consensus import Consensus

__all__ = ["PLAN_SAME_USE_SHARE", "TEAM_MIN_SHARE", "ProvenanceContext"]

#: A voice is behind a zone of the vision when its concept gives that use to at least this share of it.
TEAM_MIN_SHARE = 0.05
#: The plan "has the same use there" when it gives that use to at least this share of the zone.
PLAN_SAME_USE_SHARE = 0.5
#: A voice's zone overlapping a zone of the vision by less than this (m²) is drawing slop.
MIN_OVERLAP_M2 = 1.0
_ZONE_IDS = [c.id for c in categories("zone")]


class ProvenanceContext:
    """What the provenance of the vision's features is worked out from.

    Parameters
    ----------
    consensus
        The consensus the vision is drawn from.
    concepts
        The voices' concepts (in the order of ``consensus.voices``; those missing give no teams).
    plan
        The akimat's plan, or None.
    votes
        The session's dot votes.
    """

    def __init__(
        self, consensus: Consensus, concepts: Sequence[Concept], plan: Concept | None, votes: Iterable[Vote]
    ) -> None:
        self.consensus = consensus
        self.frame: MetricFrame = consensus.frame
        by_owner = {c.team: c for c in concepts}
        self.concepts = [by_owner[v] for v in consensus.voices if v in by_owner]
        self.maps = {c.team: categorical_map(c, self.frame) for c in self.concepts}
        self.plan = plan
        self.plan_map: Mapping[str, BaseGeometry] = categorical_map(plan, self.frame) if plan is not None else {}
        self.tally = tally(votes)
        self.faces = shapely.STRtree(consensus.faces) if len(consensus.faces) else None

    def zone(self, cid: str, metric: BaseGeometry) -> Provenance:
        """The provenance of a zone of agreed ground.

        Parameters
        ----------
        cid
            Its use (a zone category).
        metric
            Its ground, metres.

        Returns
        -------
        Provenance
            Origin ``consensus``.
        """
        area = float(metric.area)
        teams = tuple(
            owner
            for owner, zones in self.maps.items()
            if cid in zones and _overlap(zones[cid], metric) >= max(TEAM_MIN_SHARE * area, MIN_OVERLAP_M2)
        )
        votes = sum(
            self.tally.get((c.team, f.id), 0)
            for c in self.concepts
            for f in c.features
            if f.category == cid and _overlap(self.frame.to_metric(f.geometry), metric) >= MIN_OVERLAP_M2
        )
        same, plan_use = self._plan_zone(cid, metric, area)
        return Provenance(
            "consensus",
            teams,
            support=self._support(cid, metric),
            voices=self.consensus.n,
            votes=votes,
            ground_votes=self.tally.get((CONSENSUS_TARGET, cid), 0),
            plan_same_use=same,
            plan_use=plan_use,
        )

    def _support(self, cid: str, metric: BaseGeometry) -> int:
        """How many voices give the zone its use, averaged over its area (faces it covers), rounded."""
        if self.faces is None:
            return 0
        near = self.faces.query(metric, predicate="intersects")
        weights = shapely.area(shapely.intersection(self.consensus.faces[near], metric))
        if weights.sum() <= 0:
            return 0
        counts = self.consensus.counts[near, _ZONE_IDS.index(cid)]
        return round(float(np.average(counts, weights=weights)))

    def _plan_zone(self, cid: str, metric: BaseGeometry, area: float) -> tuple[bool | None, str]:
        """Whether the plan gives the zone's use to at least half of it, and the plan's largest use there."""
        if self.plan is None:
            return None, ""
        there = {c: _overlap(g, metric) for c, g in self.plan_map.items()}
        there[UNASSIGNED] = area - sum(there.values())
        plan_use = max(there, key=there.__getitem__)
        return there.get(cid, 0.0) >= PLAN_SAME_USE_SHARE * area, plan_use

    def amenity(self, cluster: AmenityCluster) -> Provenance:
        """The provenance of an amenity drawn from a supported cluster.

        Parameters
        ----------
        cluster
            The cluster.

        Returns
        -------
        Provenance
            Origin ``consensus``.
        """
        teams = tuple(v for v in self.consensus.voices if v in cluster.teams)
        votes = sum(self.tally.get(member, 0) for member in cluster.members)
        same: bool | None = None
        if self.plan is not None:
            point = self.frame.to_metric(shapely.Point(cluster.lon, cluster.lat))
            same = any(
                f.category == cluster.category
                and float(shapely.distance(self.frame.to_metric(f.geometry), point)) <= DEFAULT_CLUSTER_DISTANCE_M
                for f in self.plan.features
            )
        return Provenance(
            "consensus",
            teams,
            support=len(teams),
            voices=self.consensus.n,
            votes=votes,
            plan_same_use=same,
            plan_use=cluster.category if same else "",
        )


def _overlap(a: BaseGeometry, b: BaseGeometry) -> float:
    """m² shared by two metric geometries (0 when they do not meet)."""
    if a.is_empty or b.is_empty or not shapely.intersects(a, b):
        return 0.0
    return float(shapely.intersection(a, b).area)
