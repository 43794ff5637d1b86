"""The overlay of N voices' zones into atomic faces, each counted by category.

A team's later zone covers its earlier ones (the rule of
:func:`codesign.analysis.compare.categorical_map`), so a voice counts at most once per spot.
The old way flattened each voice first with one growing union, which costs the square of
the voice's zones and their vertices. Here:

1. Every zone of every voice is cleaned (``make_valid``, clipped to the site, polygonal
   parts only), in drawing order.
2. :func:`uncovered`: each zone loses only the later zones of its voice that overlap it
   (STRtree neighbours, subtracted in vectorised rounds), so hidden edges make no faces.
3. The pieces are snapped to a 0.1 mm grid, all boundaries are noded together (snap-rounded
   ``union_all``) and polygonized into *faces*; one interior point a face finds the pieces
   that contain it (one vectorised STRtree query), and for each face and voice only the
   voice's topmost piece counts.

Big overlays are cut into tiles of about :data:`TILE_VERTICES` vertices (noding grows faster
than linearly), run in threads (shapely releases the GIL); faces are also cut at tile edges.

>>> from shapely.geometry import box
>>> zones = np.array([box(0, 0, 2, 1), box(1, 0, 3, 1), box(0, 0, 1, 1)], dtype=object)
>>> faces, counts = overlay_faces(zones, voice=np.array([0, 0, 1]), category=np.array([0, 1, 1]), categories=2)
>>> sorted((round(float(f.area), 3), c.tolist()) for f, c in zip(faces, counts))
[(1.0, [0, 1]), (1.0, [0, 1]), (1.0, [1, 1])]
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np
import shapely

from codesign.domain.concept import Concept
from codesign.domain.geometry import MetricFrame

__all__ = ["GRID_M", "TILE_VERTICES", "overlay_faces", "uncovered", "voice_zones"]

#: Precision of the overlay, metres (0.1 mm).
GRID_M = 1e-4
#: About this many polygon vertices per tile.
TILE_VERTICES = 4000
_POLYGON = 3


def voice_zones(
    concepts: Sequence[Concept], frame: MetricFrame, category_ids: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every concept's zones, cleaned and in drawing order: polygons, voice index, category index.

    Parameters
    ----------
    concepts : Sequence of Concept
        The voices.
    frame : MetricFrame
        The site's metric frame.
    category_ids : Sequence of str
        The zone categories, in the order of the count columns.

    Returns
    -------
    tuple of numpy.ndarray
        Metric polygons (valid, inside the site, on the overlay grid), and per polygon its
        voice's index and its category's index. A later polygon of a voice was drawn later.
    """
    column = {cid: j for j, cid in enumerate(category_ids)}
    geoms, voice, cats = [], [], []
    for v, concept in enumerate(concepts):
        for feature in concept.features:
            if feature.kind == "zone":
                geoms.append(feature.geometry)
                voice.append(v)
                cats.append(column[feature.category])
    if not geoms:
        return np.empty(0, dtype=object), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    metric = frame.to_metric(np.array(geoms, dtype=object))
    clean = shapely.intersection(shapely.make_valid(metric), frame.boundary)
    polys, index = _polygons(clean)
    polys, again = _polygons(uncovered(polys, np.asarray(voice)[index]))
    index = index[again]
    # Snap to the grid: edges that should coincide then coincide exactly, and the noding is
    # snap-rounded, so no face is lost.
    polys, again = _polygons(shapely.set_precision(polys, GRID_M))
    index = index[again]
    return polys, np.asarray(voice)[index], np.asarray(cats)[index]


def uncovered(polys: np.ndarray, voice: np.ndarray) -> np.ndarray:
    """Each polygon less the later polygons of its voice that overlap it.

    Only the neighbours found by an STRtree are subtracted, one at a time and vectorised
    over all polygons (round r takes each polygon's r-th later neighbour), so the cost
    grows with the overlaps, not with the square of a voice's zones. Hidden edges then
    make no faces, and the overlay has about a third fewer faces.

    Parameters
    ----------
    polys : numpy.ndarray
        Valid polygons, each voice's in drawing order.
    voice : numpy.ndarray
        Each polygon's voice index.

    Returns
    -------
    numpy.ndarray
        Per polygon, what its voice's later polygons leave of it (maybe empty or multi-part).
    """
    first, later = shapely.STRtree(polys).query(polys, predicate="intersects")
    keep = (later > first) & (voice[first] == voice[later])
    first, later = first[keep], later[keep]
    by = np.lexsort((later, first))
    first, later = first[by], later[by]
    starts = np.flatnonzero(np.r_[True, first[1:] != first[:-1]])
    rank = np.arange(len(first)) - np.repeat(starts, np.diff(np.r_[starts, len(first)]))
    free = polys.copy()
    for r in range(int(rank.max()) + 1 if len(rank) else 0):
        at = rank == r
        free[first[at]] = shapely.difference(free[first[at]], polys[later[at]])
    return free


def _polygons(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The non-empty polygons in ``geoms`` (collections opened), with the index of their source."""
    index = np.arange(len(geoms))
    while True:
        parts, where = shapely.get_parts(geoms, return_index=True)
        index = index[where]
        types = shapely.get_type_id(parts)
        if not np.isin(types, (4, 5, 6, 7)).any():  # no more multi-parts or collections
            break
        geoms = parts
    keep = (types == _POLYGON) & ~shapely.is_empty(parts)
    return parts[keep], index[keep]


def overlay_faces(
    polys: np.ndarray, *, voice: np.ndarray, category: np.ndarray, categories: int
) -> tuple[np.ndarray, np.ndarray]:
    """Faces of the polygons' overlay and, per face, how many voices give it each category.

    Parameters
    ----------
    polys : numpy.ndarray
        Valid metric polygons; within a voice, later ones cover earlier ones.
    voice : numpy.ndarray
        Each polygon's voice index.
    category : numpy.ndarray
        Each polygon's category index.
    categories : int
        How many categories (count columns).

    Returns
    -------
    tuple of numpy.ndarray
        The faces some voice covers (polygons) and their counts (faces x categories).
    """
    empty = np.empty(0, dtype=object), np.zeros((0, categories), dtype=np.int32)
    if len(polys) == 0:
        return empty
    order = np.arange(len(polys))
    tree = shapely.STRtree(polys)
    tiles = _tiles(polys)
    workers = min(len(tiles), os.cpu_count() or 1)

    def one(tile: tuple[float, float, float, float]) -> tuple[np.ndarray, np.ndarray]:
        return _faces_in_tile(polys, (voice, category, order, categories), tree, tile)

    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(one, tiles))
    else:
        parts = [one(tile) for tile in tiles]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _tiles(polys: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Cut the extent into square-ish tiles of about ``TILE_VERTICES`` polygon vertices each."""
    minx, miny, maxx, maxy = shapely.total_bounds(polys)
    per_side = max(1, math.ceil(math.sqrt(shapely.get_num_coordinates(polys).sum() / TILE_VERTICES)))
    width, height = (maxx - minx) / per_side, (maxy - miny) / per_side
    return [
        (minx + i * width, miny + j * height, minx + (i + 1) * width, miny + (j + 1) * height)
        for i in range(per_side)
        for j in range(per_side)
    ]


def _interior_points(faces: np.ndarray) -> np.ndarray:
    """One point strictly inside each face (point_on_surface can land on the edge)."""
    points = shapely.point_on_surface(faces)
    bad = ~shapely.contains_properly(faces, points)
    if bad.any():
        points[bad] = [shapely.get_point(shapely.maximum_inscribed_circle(f, 1e-3), 0) for f in faces[bad]]
    return points


def _faces_in_tile(
    polys: np.ndarray,
    attrs: tuple[np.ndarray, np.ndarray, np.ndarray, int],
    tree: shapely.STRtree,
    tile: tuple[float, float, float, float],
) -> tuple[np.ndarray, np.ndarray]:
    """Node, polygonize and count one tile: each voice's topmost zone over a face decides."""
    voice, category, order, categories = attrs
    empty = np.empty(0, dtype=object), np.zeros((0, categories), dtype=np.int32)
    chosen = tree.query(shapely.box(*tile))
    if len(chosen) == 0:
        return empty
    here = polys[chosen]
    # Clip the boundaries (lines), not the polygons (clip_by_rect may return invalid
    # polygons); the tile's own edge closes the faces; whole pieces count them.
    lines = shapely.clip_by_rect(shapely.boundary(here), *tile)
    edge_of_tile = np.array([shapely.boundary(shapely.box(*tile))], dtype=object)
    lines = np.concatenate([lines[~shapely.is_empty(lines)], edge_of_tile])
    edges = shapely.union_all(lines, grid_size=GRID_M)
    # polygonize the noded lines as one geometry: no Python object a line (3x faster)
    faces = shapely.get_parts(shapely.polygonize([edges]))
    faces = faces[shapely.area(faces) > 0]
    # polygons (prepared) find the points they contain: much faster than points "within"
    local, face = shapely.STRtree(_interior_points(faces)).query(here, predicate="contains")
    zone = chosen[local]
    # per (face, voice) keep the zone drawn last: sort by face, voice, drawing order
    by = np.lexsort((order[zone], voice[zone], face))
    face, zone = face[by], zone[by]
    last = np.ones(len(by), dtype=bool)
    last[:-1] = (face[1:] != face[:-1]) | (voice[zone][1:] != voice[zone][:-1])
    counts = np.zeros((len(faces), categories), dtype=np.int32)
    np.add.at(counts, (face[last], category[zone[last]]), 1)
    covered = counts.sum(axis=1) > 0
    return faces[covered], counts[covered]
