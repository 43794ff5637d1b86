"""Plan-import figures (measured, never asserted).

Generates a ~5 MB plan GeoJSON inside the Aksu site: 240 zones with 800 vertices each
(wavy outlines, 25 zone categories' labels in Russian), 120 paths and 300 amenities;
then times ``read_file`` + ``suggest_mapping`` + ``build_concept`` (median of 3 warm runs)
and measures peak memory: Python allocations with :mod:`tracemalloc` (a separate run,
as tracing slows everything down) and the process's peak RSS (``ru_maxrss``, which also
counts GDAL's and GEOS's C memory).

Run: ``.venv/bin/python bench/import_bench.py``.
"""

from __future__ import annotations

import json
import math
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402
from shapely.geometry import LineString, Point, Polygon, mapping  # noqa: E402

from codesign.domain.site import load_site  # noqa: E402
from codesign.domain.taxonomy import categories  # noqa: E402
from codesign.io import build_concept, read_file, suggest_mapping  # noqa: E402

ZONES, ZONE_VERTICES, PATHS, AMENITIES = 240, 800, 120, 300


def wavy_zone(rng: random.Random, cx: float, cy: float) -> Polygon:
    """A blob of about 6-14 m radius with a wavy outline (ZONE_VERTICES corners)."""
    radius = rng.uniform(6, 14)
    waves = rng.randint(3, 9)
    phase = rng.uniform(0, math.tau)
    points = []
    for i in range(ZONE_VERTICES):
        angle = math.tau * i / ZONE_VERTICES
        r = radius * (1 + 0.15 * math.sin(waves * angle + phase))
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return Polygon(points)


def make_plan(seed: int = 7) -> bytes:
    site = load_site("aksu-city-square")
    frame = site.frame
    inner = frame.boundary.buffer(-16)
    minx, miny, maxx, maxy = inner.bounds
    rng = random.Random(seed)

    def random_point() -> tuple[float, float]:
        while True:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if inner.contains(Point(x, y)):
                return x, y

    labels = {kind: [c.label("ru") for c in categories(kind)] for kind in ("zone", "path", "amenity")}
    features = []
    for _ in range(ZONES):
        geom = wavy_zone(rng, *random_point())
        features.append((geom, rng.choice(labels["zone"])))
    for _ in range(PATHS):
        (x, y), angle = random_point(), rng.uniform(0, math.tau)
        line = LineString([(x + t * math.cos(angle), y + t * math.sin(angle)) for t in range(0, 30, 2)])
        features.append((shapely.intersection(line, inner), rng.choice(labels["path"])))
    for _ in range(AMENITIES):
        features.append((Point(random_point()), rng.choice(labels["amenity"])))
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"Тип": label}, "geometry": mapping(frame.to_lonlat(geom))}
            for geom, label in features
            if not geom.is_empty
        ],
    }
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")


def run(data: bytes):
    site = load_site("aksu-city-square")
    started = time.perf_counter()
    imported = read_file(data, "big_plan.geojson", site=site)
    read_s = time.perf_counter() - started
    suggestion = suggest_mapping(imported)
    mapped_s = time.perf_counter() - started
    result = build_concept(imported, attribute=suggestion.attribute, mapping=suggestion.mapping, site=site, team="plan")
    total_s = time.perf_counter() - started
    return (read_s, mapped_s - read_s, total_s - mapped_s, total_s), imported, result


def main() -> None:
    data = make_plan()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    runs = [run(data) for _ in range(4)][1:]  # the first run warms caches (UTM frame, category matcher)
    timings = [r[0] for r in runs]
    _, imported, result = runs[-1]
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    run(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    vertices = int(shapely.get_num_coordinates([f.geometry for f in imported.features]).sum())
    median = [statistics.median(t[i] for t in timings) for i in range(4)]
    print("Plan import bench (Aksu site, GeoJSON):")
    print(f"  file: {len(data) / 1e6:.1f} MB, {len(imported.features)} features, {vertices:,} vertices")
    print(
        f"  concept: {len(result.concept.features)} features, {len(result.unmapped)} unmapped,"
        f" {len(result.rejected)} rejected, {len(result.notices)} changed"
    )
    print(
        f"  time (median of {len(timings)}): read_file {median[0]:.2f} s, suggest_mapping {median[1]:.2f} s,"
        f" build_concept {median[2]:.2f} s, total {median[3]:.2f} s"
    )
    print(f"  peak Python allocations (tracemalloc): {peak / 1e6:.0f} MB")
    print(f"  peak RSS (ru_maxrss): {rss_after / 1024:.0f} MB (before the import runs: {rss_before / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
