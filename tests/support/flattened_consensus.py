"""The consensus overlay as it was before issue 14, kept only to compare the new one against.

Each team was first flattened with :func:`codesign.analysis.compare.categorical_map` (later
zones cover earlier ones, one growing union a team: quadratic in its zones), then all
flattened maps were noded, polygonized and counted by tiles. The new overlay in
:mod:`codesign.analysis.overlay` counts the same rule inside the overlay; both must give the
same k-of-N areas.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely

from codesign.analysis.compare import categorical_map
from codesign.domain.concept import Concept
from codesign.domain.geometry import MetricFrame
from codesign.domain.taxonomy import categories

GRID_M = 1e-4
TILE_VERTICES = 1000
ZONE_IDS = [c.id for c in categories("zone")]


def flattened_faces(concepts: Sequence[Concept], frame: MetricFrame) -> tuple[np.ndarray, np.ndarray]:
    """Faces and their counts (faces x zone categories), the way build_consensus made them before."""
    polys, poly_cat = [], []
    for concept in concepts:
        for cid, geom in categorical_map(concept, frame).items():
            for part in shapely.get_parts(geom):
                polys.append(part)
                poly_cat.append(ZONE_IDS.index(cid))
    if not polys:
        return np.empty(0, dtype=object), np.zeros((0, len(ZONE_IDS)), dtype=np.int32)
    poly_arr = shapely.set_precision(np.array(polys, dtype=object), GRID_M)
    keep = ~shapely.is_empty(poly_arr)
    polys_kept, cats = poly_arr[keep], np.asarray(poly_cat)[keep]
    tree = shapely.STRtree(polys_kept)
    parts = [_faces_in_tile(polys_kept, cats, tree, tile) for tile in _tiles(polys_kept)]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def k_of_n(areas: np.ndarray, counts: np.ndarray, n: int) -> dict[str, dict[int, float]]:
    """Category -> k -> m² that at least k voices give it (as ``Consensus.k_of_n``)."""
    return {
        cid: {k: float(areas[counts[:, j] >= k].sum()) for k in range(1, n + 1)}
        for j, cid in enumerate(ZONE_IDS)
        if counts[:, j].any()
    }


def _tiles(polys: np.ndarray) -> list[tuple[float, float, float, float]]:
    minx, miny, maxx, maxy = shapely.total_bounds(polys)
    per_side = max(1, math.ceil(math.sqrt(shapely.get_num_coordinates(polys).sum() / TILE_VERTICES)))
    width, height = (maxx - minx) / per_side, (maxy - miny) / per_side
    return [
        (minx + i * width, miny + j * height, minx + (i + 1) * width, miny + (j + 1) * height)
        for i in range(per_side)
        for j in range(per_side)
    ]


def _interior_points(faces: np.ndarray) -> np.ndarray:
    points = shapely.point_on_surface(faces)
    bad = ~shapely.contains_properly(faces, points)
    if bad.any():
        points[bad] = [shapely.get_point(shapely.maximum_inscribed_circle(f, 1e-3), 0) for f in faces[bad]]
    return points


def _faces_in_tile(polys, cats, tree, tile):
    chosen = tree.query(shapely.box(*tile))
    empty = np.empty(0, dtype=object), np.zeros((0, len(ZONE_IDS)), dtype=np.int32)
    if len(chosen) == 0:
        return empty
    clipped = shapely.clip_by_rect(polys[chosen], *tile)
    solid = ~shapely.is_empty(clipped) & (shapely.area(clipped) > 0)
    clipped, chosen = clipped[solid], chosen[solid]
    if len(clipped) == 0:
        return empty
    edges = shapely.union_all(shapely.boundary(clipped), grid_size=GRID_M)
    faces = np.array(shapely.get_parts(shapely.polygonize(shapely.get_parts(edges))), dtype=object)
    faces = faces[shapely.area(faces) > 0]
    points = _interior_points(faces)
    poly_local, face_idx = shapely.STRtree(points).query(clipped, predicate="contains")
    counts = np.zeros((len(faces), len(ZONE_IDS)), dtype=np.int32)
    np.add.at(counts, (face_idx, cats[chosen[poly_local]]), 1)
    covered = counts.sum(axis=1) > 0
    return faces[covered], counts[covered]
