"""The contested regions of a consensus: what the room can settle by a vote.

A *contested* face (:mod:`codesign.analysis.consensus`) is ground where two or more uses have
support and none has a majority. Faces that share an edge (not only a corner) are grouped into
one region; regions smaller than :data:`MIN_DISPUTE_AREA_M2` are slivers between outlines and are
left out. A region's *choices* are the uses proposed on at least :data:`MIN_CHOICE_SHARE` of its
ground, the most supported first (support = how many voices give the use, weighted by area).
:func:`vision_with_winners` puts a settled vote into the joint vision.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from codesign.analysis.consensus import Consensus
from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.disputes import DisputedRegion, DisputeVote, winner
from codesign.domain.geometry import MetricFrame
from codesign.domain.taxonomy import categories

__all__ = ["MIN_CHOICE_SHARE", "MIN_DISPUTE_AREA_M2", "contested_regions", "group_adjacent", "vision_with_winners"]

#: A contested region is sent to a vote only from this area (m²).
MIN_DISPUTE_AREA_M2 = 50.0
#: A use is a choice of a region only where it is proposed on at least this share of the region.
MIN_CHOICE_SHARE = 0.1
_ZONE_IDS = [c.id for c in categories("zone")]


def group_adjacent(faces: np.ndarray) -> list[list[int]]:
    """Group polygons that share an edge, not only a corner (transitively): union-find over an STRtree's pairs.

    >>> from shapely.geometry import box
    >>> group_adjacent(np.array([box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 1, 3, 2)], dtype=object))
    [[0, 1], [2]]

    Parameters
    ----------
    faces
        Polygons (metres).

    Returns
    -------
    list of list of int
        Indices of each group, ascending, groups ordered by their first index.
    """
    parent = list(range(len(faces)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if len(faces):
        left, right = shapely.STRtree(faces).query(faces, predicate="intersects")
        pairs = left < right
        left, right = left[pairs], right[pairs]
        # DE-9IM: the boundaries meet in a line (dimension 1), not only in points
        edge = shapely.relate_pattern(faces[left], faces[right], "****1****")
        for a, b in zip(left[edge], right[edge], strict=True):
            parent[root(int(a))] = root(int(b))
    groups: dict[int, list[int]] = {}
    for i in range(len(faces)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _merged(faces: np.ndarray, area: float) -> BaseGeometry:
    """The union of faces that tile a region (a coverage: fast), or the general union if that is off."""
    merged = shapely.coverage_union_all(faces)
    if not merged.is_valid or abs(merged.area - area) > 1e-6 * max(area, 1.0):
        merged = shapely.make_valid(shapely.union_all(faces))
    return merged


def contested_regions(consensus: Consensus, min_area_m2: float = MIN_DISPUTE_AREA_M2) -> tuple[DisputedRegion, ...]:
    """The contested regions of ``consensus`` with their competing uses, largest first.

    Parameters
    ----------
    consensus
        The teams' consensus.
    min_area_m2
        Regions smaller than this (m²) are left out.

    Returns
    -------
    tuple of DisputedRegion
        Ids ``r1``, ``r2``, ... by area, geometry in lon/lat.
    """
    contested = np.flatnonzero(np.asarray(consensus.states) == "contested")
    found = []
    for group in group_adjacent(consensus.faces[contested]):
        idx = contested[group]
        area = float(consensus.areas[idx].sum())
        if area < min_area_m2:
            continue
        weighted = (consensus.counts[idx] * consensus.areas[idx, None]).sum(axis=0) / area
        proposed_on = ((consensus.counts[idx] > 0) * consensus.areas[idx, None]).sum(axis=0) / area
        order = [j for j in np.argsort(-weighted, kind="stable") if proposed_on[j] >= MIN_CHOICE_SHARE]
        if len(order) < 2:
            continue
        region = _merged(consensus.faces[idx], area)
        found.append((area, region, tuple(_ZONE_IDS[j] for j in order), tuple(float(weighted[j]) for j in order)))
    found.sort(key=lambda item: -item[0])
    return tuple(
        DisputedRegion(f"r{i}", consensus.frame.to_lonlat(region), area, choices, support)
        for i, (area, region, choices, support) in enumerate(found, start=1)
    )


#: Pieces of the vision's zones smaller than this (m²) after the winners are cut in are dropped.
MIN_PIECE_M2 = 1.0


def vision_with_winners(vision: Concept, vote: DisputeVote, frame: MetricFrame) -> Concept:
    """The joint vision with each decided region given its winning use.

    The regions with a winner (:func:`codesign.domain.disputes.winner`; not ties, not regions
    nobody voted on) are cut out of the vision's zones, and each becomes one zone of its winning
    use, labelled with the region's id. Paths and amenities stay as they are.

    Parameters
    ----------
    vision
        The joint vision as it is.
    vote
        The dispute vote.
    frame
        The site's metric frame.

    Returns
    -------
    Concept
        The new vision (``vision`` itself when no region has a winner).
    """
    decided: list[tuple[DisputedRegion, str]] = []
    for region in vote.regions:
        use = winner(vote, region.id)
        if use is not None:
            decided.append((region, use))
    if not decided:
        return vision
    cut = shapely.union_all([frame.to_metric(region.geometry) for region, _ in decided])
    features: list[ConceptFeature] = []
    for feature in vision.features:
        if feature.kind != "zone":
            features.append(feature)
            continue
        rest = shapely.make_valid(shapely.difference(frame.to_metric(feature.geometry), cut))
        pieces = [g for g in shapely.get_parts(rest) if g.geom_type == "Polygon" and g.area >= MIN_PIECE_M2]
        if pieces:
            kept = shapely.orient_polygons(frame.to_lonlat(shapely.union_all(pieces)), exterior_cw=False)
            features.append(replace(feature, geometry=kept))
    result = replace(vision, features=tuple(features))
    for region, use in decided:
        geometry = shapely.orient_polygons(region.geometry, exterior_cw=False)
        added = ConceptFeature(result.next_feature_id(), use, geometry, label=region.id)
        result = replace(result, features=(*result.features, added))
    return result
