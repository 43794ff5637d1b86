"""A concept's figures, and zones of different categories that overlap.

m² and share of the site per zone category, metres per path category, counts per amenity.

All measured in the site's metric CRS (:class:`codesign.domain.geometry.MetricFrame`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from codesign.domain.concept import Concept
from codesign.domain.geometry import MetricFrame
from codesign.domain.taxonomy import categories

__all__ = ["OVERLAP_TOLERANCE_M2", "Figures", "concept_figures", "zone_overlaps"]

#: Overlaps smaller than this (m²) between zones are drawing slop, not a conflict.
OVERLAP_TOLERANCE_M2 = 1.0


@dataclass(frozen=True)
class Figures:
    """Live figures of a concept, for the categories present in it.

    m² and share of the site per zone category, metres per path category, count per
    amenity category.
    """

    site_area_m2: float
    zone_area_m2: Mapping[str, float]
    path_length_m: Mapping[str, float]
    amenity_count: Mapping[str, int]

    def zone_share(self, category_id: str) -> float:
        """Share of the site (0..1) covered by that zone category.

        Parameters
        ----------
        category_id : str
            A zone category.

        Returns
        -------
        float
            0 when the concept has none of it.
        """
        return self.zone_area_m2.get(category_id, 0.0) / self.site_area_m2 if self.site_area_m2 else 0.0


def concept_figures(concept: Concept, frame: MetricFrame) -> Figures:
    """Areas, lengths and counts per category, measured in the site's metric CRS.

    Zones of one category that overlap are counted once (their union).

    Parameters
    ----------
    concept : Concept
        The concept.
    frame : MetricFrame
        Its site's metric frame.

    Returns
    -------
    Figures
        The figures of the categories present.
    """
    by_category: dict[str, list[BaseGeometry]] = {}
    for f in concept.features:
        by_category.setdefault(f.category, []).append(f.geometry)
    zone_area: dict[str, float] = {}
    path_length: dict[str, float] = {}
    amenity_count: dict[str, int] = {}
    for cat in categories():
        geoms = by_category.get(cat.id)
        if not geoms:
            continue
        if cat.kind == "amenity":
            amenity_count[cat.id] = len(geoms)
            continue
        metric = frame.to_metric(shapely.GeometryCollection(geoms))
        if cat.kind == "zone":
            zone_area[cat.id] = float(shapely.union_all(shapely.get_parts(metric)).area)
        else:
            path_length[cat.id] = float(shapely.length(shapely.get_parts(metric)).sum())
    return Figures(frame.area_m2, zone_area, path_length, amenity_count)


def zone_overlaps(concept: Concept, frame: MetricFrame) -> list[tuple[str, str, float]]:
    """Pairs of zones of *different* categories that overlap, with the shared m².

    >>> # see tests/unit/test_concepts.py for worked examples

    Parameters
    ----------
    concept : Concept
        The concept.
    frame : MetricFrame
        Its site's metric frame.

    Returns
    -------
    list of (str, str, float)
        (feature id, feature id, shared m²) for overlaps over the tolerance.
    """
    zones = [f for f in concept.features if f.kind == "zone"]
    if len(zones) < 2:
        return []
    metric = [frame.to_metric(f.geometry) for f in zones]
    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="intersects")
    result: list[tuple[str, str, float]] = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j or zones[i].category == zones[j].category:
            continue
        area = float(shapely.intersection(metric[i], metric[j]).area)
        if area >= OVERLAP_TOLERANCE_M2:
            result.append((zones[i].id, zones[j].id, area))
    return result
