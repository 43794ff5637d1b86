"""Amenity clusters: amenities of one type that several voices put close together.

A point within the linkage distance of a point of a cluster joins it (single linkage); a
cluster's suggested location is the median of its points, its support the share of the
voices with a point in it.

>>> _connected_groups(4, [(0, 1), (2, 2)])
[[0, 1], [2], [3]]
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from codesign.domain.concept import Concept
from codesign.domain.geometry import MetricFrame
from codesign.domain.taxonomy import categories

__all__ = ["DEFAULT_CLUSTER_DISTANCE_M", "AmenityCluster", "cluster_amenities"]

#: Amenities of one type this close (m) join one cluster.
DEFAULT_CLUSTER_DISTANCE_M = 12.0


@dataclass(frozen=True)
class AmenityCluster:
    """Amenities of one type from several teams, close together."""

    category: str
    teams: tuple[str, ...]  # voices with at least one point in the cluster
    support: float  # len(teams) / number of voices
    lon: float  # suggested location: the median of the points
    lat: float
    points: int
    #: (voice, feature id) of every amenity in the cluster.
    members: tuple[tuple[str, str], ...] = ()


def cluster_amenities(
    concepts: Sequence[Concept], frame: MetricFrame, distance_m: float = DEFAULT_CLUSTER_DISTANCE_M
) -> tuple[AmenityCluster, ...]:
    """Group each type's amenities from all voices.

    A point within ``distance_m`` of a point of a cluster joins it (single linkage).

    Parameters
    ----------
    concepts : Sequence of Concept
        The voices.
    frame : MetricFrame
        The site's metric frame.
    distance_m : float
        The linkage distance, m.

    Returns
    -------
    tuple of AmenityCluster
        Most support first.
    """
    n = len(concepts)
    result: list[AmenityCluster] = []
    by_type: dict[str, list[tuple[str, BaseGeometry, BaseGeometry, str]]] = {}
    for concept in concepts:
        for f in concept.features:
            if f.kind == "amenity":
                by_type.setdefault(f.category, []).append((concept.team, frame.to_metric(f.geometry), f.geometry, f.id))
    for cid in sorted(by_type, key=[c.id for c in categories()].index):
        items = by_type[cid]
        metric = np.array([item[1] for item in items], dtype=object)
        left, right = shapely.STRtree(metric).query(metric, predicate="dwithin", distance=distance_m)
        groups = _connected_groups(len(items), zip(left.tolist(), right.tolist(), strict=True))
        for members in groups:
            teams = tuple(sorted({items[i][0] for i in members}))
            lon = statistics.median(cast(shapely.Point, items[i][2]).x for i in members)
            lat = statistics.median(cast(shapely.Point, items[i][2]).y for i in members)
            found = tuple((items[i][0], items[i][3]) for i in members)
            result.append(AmenityCluster(cid, teams, len(teams) / n, round(lon, 7), round(lat, 7), len(members), found))
    result.sort(key=lambda c: (-c.support, c.category, c.lon, c.lat))
    return tuple(result)


def _connected_groups(count: int, links: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components of ``count`` nodes joined by ``links`` (union-find).

    >>> _connected_groups(4, [(0, 1), (2, 2)])
    [[0, 1], [2], [3]]
    """
    parent = list(range(count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in links:
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(count):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())
