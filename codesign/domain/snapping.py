"""Snapping a drawn shape to the team's other shapes, so adjacent zones share an edge.

Teams draw zones next to each other by hand: every shared edge comes out as a sliver of gap or
of overlap. :func:`snap_to_neighbours` moves a new or edited shape's corners onto the corners
(first) or edges (then) of the other shapes within :data:`SNAP_TOLERANCE_M`, and adds the other
shapes' corners that lie within that distance of its edges as corners of its own, so both
outlines run through the same points. No point moves further than the tolerance. Everything is
in the site's metric CRS.

>>> from shapely.geometry import box, Polygon
>>> left = box(0, 0, 10, 10)
>>> drawn = Polygon([(10.8, 0.4), (20, 0), (20, 10), (10.6, 9.5)])  # a hand-drawn neighbour
>>> snapped = snap_to_neighbours(drawn, [left])
>>> shared = snapped.geometry.boundary.intersection(left.boundary).length
>>> snapped.moved, snapped.geometry.intersection(left).area, shared
(2, 0.0, 10.0)
>>> snap_to_neighbours(box(30, 0, 40, 10), [left]).moved  # 20 m away: nothing moves
0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["SNAP_TOLERANCE_M", "Snapped", "snap_to_neighbours"]

#: How far (metres) a corner may move to meet a neighbour: about a step, more than a finger's
#: error on a tablet at the zoom teams draw at, less than the narrowest path worth drawing.
SNAP_TOLERANCE_M = 1.5
#: Closer than this (metres) two points are the same point.
_SAME_POINT_M = 1e-6
#: A zone that snapping would shrink to less than this share of its area is left as drawn.
_KEEP_AREA_SHARE = 0.5


@dataclass(frozen=True)
class Snapped:
    """A shape after snapping (metres): how many corners moved, how many were added, the largest move."""

    geometry: BaseGeometry
    moved: int = 0
    inserted: int = 0
    shift_m: float = 0.0

    @property
    def changed(self) -> bool:
        """Whether snapping changed the shape.

        Returns
        -------
        bool
            True when a corner moved or was added.
        """
        return bool(self.moved or self.inserted)


@dataclass(frozen=True)
class _Targets:
    """The neighbours' corners and edges near the shape, with search trees."""

    corners: np.ndarray  # (n, 2)
    corner_tree: shapely.STRtree
    edges: np.ndarray  # of LineString segments
    edge_tree: shapely.STRtree


def snap_to_neighbours(
    geom: BaseGeometry, neighbours: Sequence[BaseGeometry], tolerance: float = SNAP_TOLERANCE_M
) -> Snapped:
    """``geom`` with its corners snapped to the corners and edges of ``neighbours`` within ``tolerance``.

    Zones and paths snap (points are returned as they are). A corner goes to the nearest
    neighbour corner within ``tolerance``, else to the nearest point of a neighbour's edge within
    it; then each neighbour corner within ``tolerance`` of an edge is added to that edge. A zone
    that snapping makes invalid is repaired; one that it would collapse (under half its area
    left), or that a repair would change by more than ``tolerance`` anywhere, is returned as drawn.

    Parameters
    ----------
    geom
        The new or edited shape, in metres.
    neighbours
        The team's other shapes, in metres (points among them are ignored).
    tolerance
        The farthest a point may move, metres.

    Returns
    -------
    Snapped
        The shape (``geom`` itself when nothing was near) and what changed.
    """
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon", "LineString", "MultiLineString"):
        return Snapped(geom)
    targets = _targets(geom, neighbours, tolerance)
    if targets is None:
        return Snapped(geom)
    moved = inserted = 0
    shift = 0.0

    def snap_part(coords: np.ndarray, closed: bool) -> np.ndarray:
        nonlocal moved, inserted, shift
        points = coords[:-1] if closed else coords
        new_points, distance = _snap_vertices(points, targets, tolerance)
        moves = distance > _SAME_POINT_M
        moved += int(moves.sum())
        shift = max(shift, float(distance.max(initial=0.0)))
        if closed:
            new_points = np.vstack([new_points, new_points[:1]])
        with_corners, added, added_shift = _insert_corners(new_points, coords, targets, tolerance)
        inserted += added
        shift = max(shift, added_shift)
        return with_corners

    rebuilt = _rebuild(geom, snap_part)
    if not (moved or inserted):
        return Snapped(geom)
    snapped = _valid_zone(rebuilt, geom) if geom.geom_type in ("Polygon", "MultiPolygon") else rebuilt
    if snapped is None:
        return Snapped(geom)
    if shapely.hausdorff_distance(snapped, geom, densify=0.25) > tolerance + _SAME_POINT_M:
        return Snapped(geom)  # a repair cut off a part of it: never move anything further than the tolerance
    return Snapped(snapped, moved=moved, inserted=inserted, shift_m=shift)


def _targets(geom: BaseGeometry, neighbours: Sequence[BaseGeometry], tolerance: float) -> _Targets | None:
    """The corners and edges of the neighbours within ``tolerance`` of ``geom``; None if there are none."""
    near = [
        n.boundary if n.geom_type in ("Polygon", "MultiPolygon") else n
        for n in neighbours
        if not n.is_empty and n.geom_type not in ("Point", "MultiPoint") and shapely.dwithin(n, geom, tolerance)
    ]
    lines = [part for n in near for part in shapely.get_parts(n) if part.geom_type in ("LineString", "LinearRing")]
    if not lines:
        return None
    corners = np.unique(np.vstack([shapely.get_coordinates(line) for line in lines]), axis=0)
    segments = [_segments(xy) for line in lines if len(xy := shapely.get_coordinates(line)) >= 2]
    edges = np.concatenate(segments)
    edges = edges[np.asarray(shapely.length(edges)) > 0]
    return _Targets(
        corners=corners,
        corner_tree=shapely.STRtree(_points(corners)),
        edges=edges,
        edge_tree=shapely.STRtree(edges),
    )


def _snap_vertices(points: np.ndarray, targets: _Targets, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Each point moved to the nearest corner within ``tolerance``, else to the nearest edge point; and how far."""
    out = points.copy()
    distance = np.zeros(len(points))
    geoms = _points(points)
    (which, corner), d = targets.corner_tree.query_nearest(
        geoms, max_distance=tolerance, return_distance=True, all_matches=False
    )
    out[which] = targets.corners[corner]
    distance[which] = d
    rest = np.setdiff1d(np.arange(len(points)), which)
    if len(rest) and len(targets.edges):
        (pick, edge), d = targets.edge_tree.query_nearest(
            geoms[rest], max_distance=tolerance, return_distance=True, all_matches=False
        )
        segments = targets.edges[edge]
        on_edge = shapely.line_interpolate_point(segments, shapely.line_locate_point(segments, geoms[rest][pick]))
        out[rest[pick]] = shapely.get_coordinates(on_edge)
        distance[rest[pick]] = d
    return out, distance


def _insert_corners(
    coords: np.ndarray, drawn: np.ndarray, targets: _Targets, tolerance: float
) -> tuple[np.ndarray, int, float]:
    """The line ``coords`` with every neighbour corner within ``tolerance`` of a segment added into it.

    ``drawn`` is the line as drawn (same number of points): a corner is added to a segment only if
    it is also within ``tolerance`` of that segment as drawn, so no part of the outline moves further.
    """
    if len(coords) < 2:
        return coords, 0, 0.0
    segments = _segments(coords)
    seg_index, corner_index = targets.corner_tree.query(segments, predicate="dwithin", distance=tolerance)
    drawn_distance = np.asarray(shapely.distance(_segments(drawn)[seg_index], _points(targets.corners[corner_index])))
    near_drawn = drawn_distance <= tolerance
    seg_index, corner_index = seg_index[near_drawn], corner_index[near_drawn]
    if not len(seg_index):
        return coords, 0, 0.0
    corners = targets.corners[corner_index]
    start, end = coords[seg_index], coords[seg_index + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        along = np.einsum("ij,ij->i", corners - start, end - start) / np.einsum("ij,ij->i", end - start, end - start)
    # a corner already at a segment's end is shared; one beyond either end belongs to another segment
    away = (np.hypot(*(corners - start).T) > _SAME_POINT_M) & (np.hypot(*(corners - end).T) > _SAME_POINT_M)
    inside = away & (along > 0) & (along < 1)
    if not inside.any():
        return coords, 0, 0.0
    seg_index, corner_index, corners, along = seg_index[inside], corner_index[inside], corners[inside], along[inside]
    shifts = np.asarray(shapely.distance(segments[seg_index], _points(corners)))
    # a corner near two segments (beside one of the line's corners) goes into the nearer one only
    order = np.lexsort((shifts, corner_index))
    first = order[np.r_[True, corner_index[order][1:] != corner_index[order][:-1]]]
    seg_index, corners, along, shifts = seg_index[first], corners[first], along[first], shifts[first]
    rows: list[np.ndarray] = []
    for i in range(len(coords) - 1):
        rows.append(coords[i : i + 1])
        mine = seg_index == i
        if mine.any():
            rows.append(corners[mine][np.argsort(along[mine])])
    rows.append(coords[-1:])
    return np.vstack(rows), len(first), float(shifts.max())


def _points(xy: np.ndarray) -> np.ndarray:
    """Points at the rows of ``xy``, as an array."""
    return np.asarray(shapely.points(xy))


def _segments(xy: np.ndarray) -> np.ndarray:
    """The two-point segments of the line through the rows of ``xy``, as an array."""
    return np.asarray(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))


def _rebuild(geom: BaseGeometry, snap_part: Callable[[np.ndarray, bool], np.ndarray]) -> BaseGeometry:
    """``geom`` with each ring or line replaced by ``snap_part(coords, closed)``."""
    parts: list[Any] = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon":
            rings = [snap_part(np.asarray(ring.coords), True) for ring in (part.exterior, *part.interiors)]
            if any(len(r) < 4 for r in rings):
                return geom
            parts.append(shapely.Polygon(rings[0], rings[1:]))
        else:
            parts.append(shapely.LineString(snap_part(np.asarray(part.coords), False)))
    if geom.geom_type.startswith("Multi"):
        return shapely.MultiPolygon(parts) if geom.geom_type == "MultiPolygon" else shapely.MultiLineString(parts)
    return parts[0]


def _valid_zone(snapped: BaseGeometry, drawn: BaseGeometry) -> BaseGeometry | None:
    """The snapped zone, repaired if snapping folded it; None if it lost more than half its area."""
    if not snapped.is_valid and drawn.is_valid:
        repaired = shapely.make_valid(snapped)
        polygons = [g for g in shapely.get_parts(repaired) if g.geom_type in ("Polygon", "MultiPolygon")]
        snapped = shapely.union_all(polygons) if polygons else shapely.Polygon()
    if snapped.is_empty or snapped.area < _KEEP_AREA_SHARE * drawn.area:
        return None
    return snapped
