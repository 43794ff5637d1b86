"""Consensus speed: the noded overlay against a straightforward baseline (measured, not asserted).

Sizes (teams x features per team): 5 x 40, 12 x 80, 50 x 200 on the Aksu site, with
concepts from :mod:`bench.synthetic`. The baseline folds ``geopandas.overlay(how="union")``
over the teams' categorical maps; both give face areas per count signature, which must
match. Each measurement runs in its own process so its peak memory (max RSS) is its own.

Run: ``.venv/bin/python bench/consensus_bench.py [--baseline-timeout 300]``.
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


def _concepts(teams: int, features: int):
    from bench.synthetic import generate_concepts
    from codesign.domain.site import load_site

    site = load_site("aksu-city-square")
    return site, generate_concepts(site, teams=teams, features=features, seed=SEED)


def run_ours(teams: int, features: int) -> dict:
    from codesign.analysis.consensus import build_consensus

    site, concepts = _concepts(teams, features)
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


def run_baseline(teams: int, features: int) -> dict:
    import geopandas as gpd
    import numpy as np

    from codesign.analysis.compare import categorical_map
    from codesign.domain.taxonomy import categories

    site, concepts = _concepts(teams, features)
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


def _in_process(kind: str, teams: int, features: int, timeout: float | None) -> dict | None:
    command = [sys.executable, __file__, "--one", kind, str(teams), str(features)]
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
    parser.add_argument("--one", nargs=3, metavar=("KIND", "TEAMS", "FEATURES"))
    parser.add_argument("--baseline-timeout", type=float, default=300)
    args = parser.parse_args()
    if args.one:
        kind, teams, features = args.one[0], int(args.one[1]), int(args.one[2])
        print(json.dumps((run_ours if kind == "ours" else run_baseline)(teams, features)))
        return
    print("area gap: share of the area whose vote counts differ between the two. Where it is not ~0, the")
    print("baseline's output pieces overlap (its total area exceeds the union, even the site); base>N m2 is")
    print("the baseline area with more votes than teams")
    print(
        f"{'size':>8} {'ours s':>8} {'faces':>8} {'peak MB':>8} {'baseline s':>11} {'ratio':>7} {'area gap':>9}"
        f" {'ours m2':>9} {'base m2':>9} {'base>N m2':>9}"
    )
    for teams, features in SIZES:
        ours = _in_process("ours", teams, features, None)
        base = _in_process("baseline", teams, features, args.baseline_timeout)
        if base is None:
            line = f"{'did not finish in ' + str(int(args.baseline_timeout)) + ' s':>29}"
        else:
            gap = _signature_gap(ours["signature"], base["signature"])
            impossible = sum(v for k, v in base["signature"].items() if sum(map(int, k.split(","))) > teams)
            line = (
                f"{base['seconds']:11.2f} {base['seconds'] / ours['seconds']:6.0f}x {gap:9.1e}"
                f" {ours['area']:9.1f} {base['area']:9.1f} {impossible:9.1f}"
            )
        print(f"{teams:>3} x {features:<3} {ours['seconds']:8.3f} {ours['faces']:8d} {ours['maxrss_mb']:8.0f} {line}")


if __name__ == "__main__":
    main()
