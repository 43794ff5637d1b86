"""Huge drawings: what the vertex caps cost and save (measured, never asserted).

1. Refusing one 200,000-vertex jagged polygon (8 MB of GeoJSON) drawn on a tablet, through
   ``apply_drawings``: before the caps it was kept after about 140 s of repair and clipping.
2. The worst the caps allow: one jagged shape of ``MAX_SHAPE_VERTICES``, and a concept of ten
   of them (``MAX_CONCEPT_VERTICES``) applied as the map reports it on every rerun.
3. Reading a stored concept over the concept cap (refused from list lengths).

Jagged shapes (every other vertex pulled in by 30 %) are the slow case for repair and
clipping; a smooth ring of the same size is several times faster.

Run: ``.venv/bin/python bench/vertex_bench.py``.
"""

from __future__ import annotations

import json
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from codesign.domain.concept import MAX_CONCEPT_VERTICES, Concept, concept_from_geojson  # noqa: E402
from codesign.domain.drawings import apply_drawings  # noqa: E402
from codesign.domain.geometry import MAX_SHAPE_VERTICES  # noqa: E402
from codesign.domain.site import load_site  # noqa: E402
from codesign.errors import InvalidConceptError  # noqa: E402

SELECTED = {"zone": "lawn", "path": "walkway", "amenity": "bench"}


def jagged_ring(vertices: int, centre: tuple[float, float], radius: float = 0.0004) -> list[list[float]]:
    """A closed star-like ring of ``vertices`` positions (the last repeats the first)."""
    angles = np.linspace(0, 2 * math.pi, vertices - 1, endpoint=False)
    r = radius * (1 + 0.3 * (np.arange(vertices - 1) % 2))
    ring = np.column_stack([centre[0] + r * np.cos(angles), centre[1] + 0.6 * r * np.sin(angles)]).tolist()
    return [*ring, ring[0]]


def drawing(ring: list[list[float]], draft: str) -> dict:
    return {"type": "Feature", "properties": {"draft": draft}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def timed(run, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    site = load_site("aksu-city-square")
    frame = site.frame  # derived once, outside the timings
    c = site.boundary.centroid
    empty = Concept(site.id, "team-1")

    huge = drawing(jagged_ring(200_000, (c.x, c.y)), "huge")
    size_mb = len(json.dumps(huge)) / 1e6
    outcome = apply_drawings(empty, [huge], frame, SELECTED)
    assert [n.key for n in outcome.rejected] == ["geometry.too_many_vertices"], outcome.rejected
    refuse = timed(lambda: apply_drawings(empty, [huge], frame, SELECTED))
    print(f"1. refuse a 200,000-vertex polygon ({size_mb:.1f} MB): {refuse * 1000:.2f} ms (was about 140 s, kept)")

    largest = drawing(jagged_ring(MAX_SHAPE_VERTICES, (c.x, c.y)), "one")
    outcome = apply_drawings(empty, [largest], frame, SELECTED)
    assert outcome.added, outcome.rejected
    one = timed(lambda: apply_drawings(empty, [largest], frame, SELECTED))
    print(f"2a. clean one jagged {MAX_SHAPE_VERTICES:,}-vertex zone: {one:.3f} s")

    per_shape = MAX_CONCEPT_VERTICES // 10
    ten = [
        drawing(jagged_ring(per_shape, (c.x + dx * 0.0004, c.y + dy * 0.0003), 0.00012), f"d{i}")
        for i, (dx, dy) in enumerate([(x, y) for x in (-2, -1, 0, 1, 2) for y in (-1, 1)])
    ]
    outcome = apply_drawings(empty, ten, frame, SELECTED)
    full = outcome.concept
    kept = sum(len(f.geometry.exterior.coords) for f in full.features if f.geometry.geom_type == "Polygon")
    as_drawn = [
        {"type": "Feature", "properties": {"id": f.id}, "geometry": d["geometry"]}
        for f, d in zip(full.features, ten, strict=False)
    ]
    rerun = timed(lambda: apply_drawings(full, as_drawn, frame, SELECTED), repeat=3)
    print(
        f"2b. a concept of {len(full.features)} jagged zones, {kept:,} vertices kept"
        f" (cap {MAX_CONCEPT_VERTICES:,}), re-applied as on a rerun: {rerun:.3f} s"
    )

    document = {
        "type": "FeatureCollection",
        "codesign": {"format": "codesign-concept/1", "site": site.id, "team": "team-1"},
        "features": [
            {
                "type": "Feature",
                "properties": {"id": f"f{i + 1}", "category": "lawn"},
                "geometry": {"type": "Polygon", "coordinates": [jagged_ring(MAX_SHAPE_VERTICES, (c.x, c.y))]},
            }
            for i in range(11)
        ],
    }

    def read_over_cap() -> None:
        try:
            concept_from_geojson(document)
        except InvalidConceptError:
            return
        raise AssertionError("a concept over the cap was read")

    print(f"3. refuse a stored concept of 11 x {MAX_SHAPE_VERTICES:,} vertices: {timed(read_over_cap) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
