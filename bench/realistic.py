"""Concepts that look like what real teams draw on a tablet (for the consensus benchmark).

The site is first cut into shared *ideas* (weighted Voronoi cells of 50 to 3,000 m² with a
category each, covering the site), as teams tend to agree on the broad layout. Each team then
redraws most ideas by hand:

- 4 to 30 vertices taken along the idea's outline, each with hand noise (about 0.4 m),
  the whole shape shifted up to 3 m and rotated up to 4 degrees about its centre;
- the idea's category kept about 70 % of the time;
- some ideas drawn with a hole (a pond in a lawn) and, often, a later filler in the hole;
- in-team overlaps: smaller zones drawn over earlier ones (trees over a lawn), duplicates
  of an earlier zone (same or another category);
- about 2 % invalid rings: bow-ties (two vertices swapped) and spikes (a vertex pulled out
  and back).

``zones`` is the number of zones per team; a few paths and amenities are added (they do not
take part in the zone overlay). Deterministic for a seed.

>>> from codesign.domain.site import load_site
>>> concepts = generate_realistic(load_site("aksu-city-square"), teams=2, zones=30, seed=1)
>>> [sum(f.kind == "zone" for f in c.features) for c in concepts]
[30, 30]
"""

from __future__ import annotations

import math
import random

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.site import Site
from codesign.domain.taxonomy import categories

__all__ = ["generate_realistic"]

#: Share of a team's zones that redraw a shared idea (the rest: overlaps, fillers, duplicates).
IDEA_SHARE = 0.75
INVALID_SHARE = 0.012
HOLE_SHARE = 0.08
#: Hand noise of a vertex (standard deviation, m), a redraw's largest shift (m) and turn (degrees).
NOISE_M = 0.4
SHIFT_M = 3.0
TURN_DEG = 4.0


def shared_ideas(site: Site, count: int, rng: random.Random) -> list[Polygon]:
    """``count`` or so polygons of 50 to 3,000 m² that cover the site (metres)."""
    boundary = site.frame.boundary
    minx, miny, maxx, maxy = boundary.bounds
    points = []
    while len(points) < count:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if boundary.contains(p):
            points.append(p)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=boundary))
    ideas: list[Polygon] = []
    for cell in cells:
        part = shapely.intersection(cell, boundary)
        for piece in shapely.get_parts(part):
            if piece.geom_type != "Polygon" or piece.area < 50:
                continue
            if piece.area > 3000:  # split big cells in two halves along their longer side
                x0, y0, x1, y1 = piece.bounds
                if x1 - x0 > y1 - y0:
                    halves = [
                        shapely.clip_by_rect(piece, x0, y0, (x0 + x1) / 2, y1),
                        shapely.clip_by_rect(piece, (x0 + x1) / 2, y0, x1, y1),
                    ]
                else:
                    halves = [
                        shapely.clip_by_rect(piece, x0, y0, x1, (y0 + y1) / 2),
                        shapely.clip_by_rect(piece, x0, (y0 + y1) / 2, x1, y1),
                    ]
                ideas += [h for h in halves if h.geom_type == "Polygon" and h.area >= 50]
            else:
                ideas.append(piece)
    return ideas


def redraw(shape: Polygon, rng: random.Random, vertices: int | None = None) -> list[tuple[float, float]]:
    """A hand-drawn ring after ``shape``: 4 to 30 vertices along its outline with noise, shifted and rotated."""
    ring = shape.exterior
    n = vertices or rng.randint(4, 30)
    start = rng.random()
    coords = []
    for k in range(n):
        p = ring.interpolate(((start + k / n) % 1.0) * ring.length)
        coords.append((p.x + rng.gauss(0, NOISE_M), p.y + rng.gauss(0, NOISE_M)))
    c = shape.centroid
    angle = math.radians(rng.uniform(-TURN_DEG, TURN_DEG))
    dx, dy = rng.uniform(-SHIFT_M, SHIFT_M), rng.uniform(-SHIFT_M, SHIFT_M)
    cos, sin = math.cos(angle), math.sin(angle)
    return [
        (c.x + (x - c.x) * cos - (y - c.y) * sin + dx, c.y + (x - c.x) * sin + (y - c.y) * cos + dy) for x, y in coords
    ]


def spoil(coords: list[tuple[float, float]], rng: random.Random) -> list[tuple[float, float]]:
    """An invalid ring: a bow-tie (two neighbouring vertices swapped) or a spike."""
    coords = list(coords)
    i = rng.randrange(len(coords))
    if rng.random() < 0.5 and len(coords) >= 4:
        j = (i + 1) % len(coords)
        coords[i], coords[j] = coords[j], coords[i]
    else:
        x, y = coords[i]
        coords[i + 1 : i + 1] = [(x + rng.uniform(-6, 6), y + rng.uniform(-6, 6)), (x, y)]
    return coords


def _team_zones(ideas: list[Polygon], shared: list[str], zones: int, rng: random.Random, zone_ids: list[str]):
    """One team's zones, metric, in drawing order: (category, polygon or invalid ring)."""
    out: list[tuple[str, Polygon]] = []
    wanted_ideas = min(len(ideas), round(zones * IDEA_SHARE))
    chosen = sorted(rng.sample(range(len(ideas)), wanted_ideas))
    drawn: list[tuple[str, Polygon, Polygon]] = []  # category, drawn shape, idea
    for i in chosen:
        idea = ideas[i]
        use = shared[i] if rng.random() < 0.7 else rng.choice(zone_ids)
        shell = redraw(idea, rng)
        hole = None
        if rng.random() < HOLE_SHARE and idea.area > 300:
            inner = shapely.buffer(idea.centroid, math.sqrt(idea.area) / 5, quad_segs=rng.randint(2, 5))
            hole = list(inner.exterior.coords)[:-1]
        poly = Polygon(shell, [hole] if hole else None)
        out.append((use, poly))
        drawn.append((use, poly, idea))
        if hole and rng.random() < 0.7 and len(out) < zones:  # the pond in the hole
            out.append(("water_feature", Polygon(redraw(Polygon(hole), rng, rng.randint(6, 14)))))
    while len(out) < zones:
        use, poly, idea = drawn[rng.randrange(len(drawn))]
        roll = rng.random()
        if roll < 0.15:  # a duplicate of an earlier zone (same shape, maybe another category)
            out.append((use if rng.random() < 0.5 else rng.choice(zone_ids), poly))
        else:  # a smaller zone drawn over an earlier one (trees over a lawn)
            c = idea.representative_point()
            r = rng.uniform(4.5, max(5.0, math.sqrt(idea.area) / 3))
            blob = shapely.buffer(c, r, quad_segs=2)
            blob = shapely.affinity.translate(blob, rng.uniform(-r, r), rng.uniform(-r, r))
            out.append((rng.choice(zone_ids), Polygon(redraw(blob, rng))))
    # about 2 % invalid rings (bow-ties, spikes)
    for k in range(len(out)):
        if rng.random() < INVALID_SHARE:
            use, poly = out[k]
            out[k] = (use, Polygon(spoil(list(poly.exterior.coords)[:-1], rng)))
    return out


def generate_realistic(site: Site, *, teams: int, zones: int, seed: int = 0) -> list[Concept]:
    """``teams`` concepts of ``zones`` zones each (plus about 10 % paths and amenities).

    Parameters
    ----------
    site : Site
        The site.
    teams : int
        How many teams.
    zones : int
        Zones per team.
    seed : int
        The random seed.

    Returns
    -------
    list of Concept
        One concept a team, zones in drawing order (later ones on top).
    """
    frame = site.frame
    rng = random.Random(seed)
    zone_ids = [c.id for c in categories("zone")]
    amenity_ids = [c.id for c in categories("amenity")]
    ideas = shared_ideas(site, max(2, round(zones * IDEA_SHARE)), rng)
    shared = [rng.choice(zone_ids) for _ in ideas]
    minx, miny, maxx, maxy = frame.boundary.bounds
    transformer = Transformer.from_crs(frame.crs, "EPSG:4326", always_xy=True)

    def to_lonlat(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([x, y]), 7)

    result = []
    for t in range(teams):
        team_rng = random.Random(rng.random())
        features: list[ConceptFeature] = []
        for use, poly in _team_zones(ideas, shared, zones, team_rng, zone_ids):
            lonlat = shapely.transform(poly, to_lonlat)  # raw: invalid rings stay invalid
            features.append(ConceptFeature(f"f{len(features) + 1}", use, lonlat))
        for _ in range(max(1, zones // 20)):
            a = (team_rng.uniform(minx, maxx), team_rng.uniform(miny, maxy))
            b = (team_rng.uniform(minx, maxx), team_rng.uniform(miny, maxy))
            line = shapely.intersection(LineString([a, b]), frame.boundary)
            if line.geom_type == "LineString" and line.length > 2:
                features.append(ConceptFeature(f"f{len(features) + 1}", "walkway", frame.to_lonlat(line)))
        for _ in range(max(1, zones // 20)):
            point = Point(team_rng.uniform(minx, maxx), team_rng.uniform(miny, maxy))
            if frame.boundary.contains(point):
                features.append(
                    ConceptFeature(f"f{len(features) + 1}", team_rng.choice(amenity_ids), frame.to_lonlat(point))
                )
        result.append(Concept(site=site.id, team=f"team-{t + 1}", title=f"Realistic {t + 1}", features=tuple(features)))
    return result
