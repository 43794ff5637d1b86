"""Realistic synthetic concepts for benchmarks, load tests and demos.

Each team starts from a shared, spatially coherent idea of the park (a jittered grid of
blocks with a category each, as real teams tend to agree on the broad layout), redraws
the block edges its own way, changes some blocks' use, adds overlapping extra zones,
paths and amenities. Deterministic for a seed.

>>> from codesign.domain.site import load_site
>>> concepts = generate_concepts(load_site("aksu-city-square"), teams=3, features=20, seed=1)
>>> [len(c.features) for c in concepts]
[20, 20, 20]
"""

from __future__ import annotations

import math
import random

import shapely
from shapely.geometry import LineString, Point, Polygon, box

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.site import Site
from codesign.domain.taxonomy import categories

__all__ = ["generate_concepts"]


def generate_concepts(site: Site, *, teams: int, features: int, seed: int = 0) -> list[Concept]:
    """``teams`` concepts of ``features`` features each.

    About 60 % zones, 15 % paths and 25 % amenities.
    """
    frame = site.frame
    rng = random.Random(seed)
    zones_n = max(1, round(features * 0.6))
    paths_n = max(0, round(features * 0.15))
    minx, miny, maxx, maxy = frame.boundary.bounds
    base_blocks = max(1, round(zones_n * 0.7))
    cols = max(1, round(math.sqrt(base_blocks * (maxx - minx) / (maxy - miny))))
    rows = max(1, math.ceil(base_blocks / cols))
    zone_ids = [c.id for c in categories("zone")]
    shared = [[rng.choice(zone_ids) for _ in range(cols)] for _ in range(rows)]
    xs = [minx + (maxx - minx) * i / cols for i in range(cols + 1)]
    ys = [miny + (maxy - miny) * j / rows for j in range(rows + 1)]
    amenity_ids = [c.id for c in categories("amenity")]
    result = []
    for t in range(teams):
        team_rng = random.Random(rng.random())
        jitter = min(xs[1] - xs[0], ys[1] - ys[0]) * 0.15 if cols and rows else 0

        def corner(i: int, j: int, team_rng: random.Random = team_rng, jitter: float = jitter) -> tuple[float, float]:
            dx = team_rng.uniform(-jitter, jitter) if 0 < i < cols else 0
            dy = team_rng.uniform(-jitter, jitter) if 0 < j < rows else 0
            return (xs[i] + dx, ys[j] + dy)

        grid = [[corner(i, j) for j in range(rows + 1)] for i in range(cols + 1)]
        metric: list[tuple[str, object]] = []
        for i in range(cols):
            for j in range(rows):
                if len(metric) >= base_blocks:
                    break
                cell = Polygon([grid[i][j], grid[i + 1][j], grid[i + 1][j + 1], grid[i][j + 1]])
                use = shared[j][i] if team_rng.random() < 0.65 else team_rng.choice(zone_ids)
                metric.append((use, cell))
        while len(metric) < zones_n:  # extra zones that overlap the blocks
            cx, cy = team_rng.uniform(minx, maxx), team_rng.uniform(miny, maxy)
            w, h = team_rng.uniform(8, 40), team_rng.uniform(8, 40)
            zone = shapely.affinity.rotate(box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), team_rng.uniform(0, 90))
            metric.append((team_rng.choice(zone_ids), zone))
        out: list[ConceptFeature] = []
        for use, geom in metric:
            clipped = shapely.intersection(geom, frame.boundary)
            parts = [p for p in shapely.get_parts(clipped) if p.geom_type == "Polygon" and p.area >= 2]
            if parts:
                biggest = max(parts, key=lambda p: p.area)
                out.append(_feature(out, use, frame.to_lonlat(shapely.orient_polygons(biggest))))
        for _ in range(paths_n):
            a = (team_rng.uniform(minx, maxx), team_rng.uniform(miny, maxy))
            b = (team_rng.uniform(minx, maxx), team_rng.uniform(miny, maxy))
            line = shapely.intersection(LineString([a, b]), frame.boundary)
            if line.geom_type == "LineString" and line.length > 2:
                out.append(_feature(out, team_rng.choice(["walkway", "cycle_path"]), frame.to_lonlat(line)))
        while len(out) < features:
            point = Point(team_rng.uniform(minx, maxx), team_rng.uniform(miny, maxy))
            if frame.boundary.contains(point):
                out.append(_feature(out, team_rng.choice(amenity_ids), frame.to_lonlat(point)))
        result.append(Concept(site=site.id, team=f"team-{t + 1}", title=f"Synthetic {t + 1}", features=tuple(out)))
    return result


def _feature(existing: list[ConceptFeature], category_id: str, geometry: object) -> ConceptFeature:
    return ConceptFeature(f"f{len(existing) + 1}", category_id, geometry)
