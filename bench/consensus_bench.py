"""Consensus speed: the noded overlay against a straightforward baseline (measured, not asserted).

Sizes: 5 x 40, 12 x 80, 50 x 200 on the Aksu site, with two generators: ``realistic``
(:mod:`bench.realistic`: teams x zones, hand-drawn redraws of shared ideas with holes, overlaps,
duplicates and invalid rings) and ``blocks`` (:mod:`bench.synthetic`: teams x features, a jittered
grid of blocks). The baseline folds ``geopandas.overlay(how="union")``
over the teams' categorical maps; both give face areas per count signature, which must
match. Each measurement runs in its own process so its peak memory (max RSS) is its own.

Run: ``.venv/bin/python bench/consensus_bench.py [--baseline-timeout 300] [--only realistic]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = [(5, 40), (12, 80), (50, 200)]
SEED = 7


GENERATORS = ("realistic", "blocks")


def _concepts(generator: str, teams: int, features: int):
    from bench.realistic import generate_realistic
    from bench.synthetic import generate_concepts
    from codesign.domain.site import load_site

    site = load_site("aksu-city-square")
    if generator == "realistic":
        return site, generate_realistic(site, teams=teams, zones=features, seed=SEED)
    return site, generate_concepts(site, teams=teams, features=features, seed=SEED)


def run_ours(generator: str, teams: int, features: int) -> dict:
    from codesign.analysis.consensus import build_consensus

    site, concepts = _concepts(generator, teams, features)
    build_consensus(concepts[:2], site.frame)  # warm-up: imports, projections
    times = []
    for _ in range(3 if teams * features <= 1000 else 1):
        start = time.perf_counter()
        result = build_consensus(concepts, site.frame)
        times.append(time.perf_counter() - start)
    signature = defaultdict(float)
    for row, area in zip(result.counts.tolist(), result.areas.tolist(), strict=True):
        signature[",".join(map(str, row))] += area
    return {
        "seconds": min(times),
        "faces": len(result.states),
        "area": float(result.areas.sum()),
        "signature": signature,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_baseline(generator: str, teams: int, features: int) -> dict:
    import geopandas as gpd
    import numpy as np

    from codesign.analysis.compare import categorical_map
    from codesign.domain.taxonomy import categories

    site, concepts = _concepts(generator, teams, features)
    zone_ids = [c.id for c in categories("zone")]
    frames = []
    for i, concept in enumerate(concepts):
        cats = categorical_map(concept, site.frame)
        frames.append(gpd.GeoDataFrame({f"t{i}": list(cats)}, geometry=list(cats.values()), crs=site.frame.crs))
    start = time.perf_counter()
    result = frames[0]
    for frame in frames[1:]:
        result = gpd.overlay(result, frame, how="union", keep_geom_type=True)
    seconds = time.perf_counter() - start
    signature = defaultdict(float)
    team_columns = [f"t{i}" for i in range(len(concepts))]
    for _, row in result.iterrows():
        counts = np.zeros(len(zone_ids), dtype=int)
        for column in team_columns:
            value = row.get(column)
            if isinstance(value, str):
                counts[zone_ids.index(value)] += 1
        signature[",".join(map(str, counts.tolist()))] += row.geometry.area
    return {
        "seconds": seconds,
        "faces": len(result),
        "area": float(result.area.sum()),
        "signature": signature,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _in_process(kind: str, generator: str, teams: int, features: int, timeout: float | None) -> dict | None:
    command = [sys.executable, __file__, "--one", kind, generator, str(teams), str(features)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def _signature_gap(a: dict, b: dict) -> float:
    keys = set(a) | set(b)
    total = sum(a.values()) or 1.0
    return sum(abs(a.get(k, 0.0) - b.get(k, 0.0)) for k in keys) / total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", nargs=4, metavar=("KIND", "GENERATOR", "TEAMS", "FEATURES"))
    parser.add_argument("--baseline-timeout", type=float, default=300)
    parser.add_argument("--only", choices=GENERATORS)
    parser.add_argument("--sizes", help="e.g. 12x80,50x200 (default: all)")
    args = parser.parse_args()
    if args.one:
        kind, generator, teams, features = args.one[0], args.one[1], int(args.one[2]), int(args.one[3])
        print(json.dumps((run_ours if kind == "ours" else run_baseline)(generator, teams, features)))
        return
    sizes = [tuple(map(int, s.split("x"))) for s in args.sizes.split(",")] if args.sizes else SIZES
    print("area gap: share of the area whose vote counts differ between the two. Where it is not ~0, the")
    print("baseline's output pieces overlap (its total area exceeds the union, even the site); base>N m2 is")
    print("the baseline area with more votes than teams. Peak MB: max RSS of the measuring process.")
    print(
        f"{'generator':>9} {'size':>9} {'ours s':>8} {'faces':>8} {'peak MB':>8} {'baseline s':>11} {'base MB':>8}"
        f" {'ratio':>7} {'area gap':>9} {'ours m2':>9} {'base m2':>9} {'base>N m2':>9}"
    )
    for generator in [args.only] if args.only else GENERATORS:
        for teams, features in sizes:
            ours = _in_process("ours", generator, teams, features, None)
            base = _in_process("baseline", generator, teams, features, args.baseline_timeout)
            if base is None:
                line = f"{'did not finish in ' + str(int(args.baseline_timeout)) + ' s':>29}"
            else:
                gap = _signature_gap(ours["signature"], base["signature"])
                impossible = sum(v for k, v in base["signature"].items() if sum(map(int, k.split(","))) > teams)
                line = (
                    f"{base['seconds']:11.2f} {base['maxrss_mb']:8.0f} {base['seconds'] / ours['seconds']:6.1f}x"
                    f" {gap:9.1e} {ours['area']:9.1f} {base['area']:9.1f} {impossible:9.1f}"
                )
            print(
                f"{generator:>9} {teams:>3} x {features:<3} {ours['seconds']:8.3f} {ours['faces']:8d}"
                f" {ours['maxrss_mb']:8.0f} {line}",
                flush=True,
            )


if __name__ == "__main__":
    main()
