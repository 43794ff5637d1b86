"""The room's new costs, measured (not asserted): desk checks, heartbeats, contested regions.

- a desk check (what every run of a desk page and the projector's 3 s watcher do): token ->
  digest -> the store's grant -> binding, on the file store (and PostGIS with ``--postgis URL``);
- a tablet's heartbeat into the store (every 3 s per tablet) and the projector's read of all;
- grouping the contested faces of a consensus into regions (synthetic 5 x 40 and 12 x 80).

Run: ``.venv/bin/python bench/room_bench.py [--postgis postgresql://...]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def per_call_ms(fn, repeat: int = 200) -> float:
    """The median time of one call, milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def store_figures(name: str, store) -> None:
    from codesign.services.desks import desk_for_token, sign_in_desk

    secret = "bench-secret-0123456789"
    now = datetime.now(UTC)
    tokens = [sign_in_desk(store, "facilitator", secret, now=now) for _ in range(20)]  # 20 desks signed in
    session = store.create_session(site="aksu-city-square", title="bench", teams=[(f"T{i}", None) for i in range(10)])
    for team in session.teams:
        store.record_presence(session.id, team.id)
    check = per_call_ms(lambda: desk_for_token(store, tokens[7], secret=secret, now=now))
    beat = per_call_ms(lambda: store.record_presence(session.id, "team-3"))
    read = per_call_ms(lambda: store.presence(session.id))
    print(f"{name:8} desk check {check:.2f} ms · heartbeat {beat:.2f} ms · presence of 10 teams {read:.2f} ms")


def grouping_figures() -> None:
    from bench.synthetic import generate_concepts
    from codesign.analysis.consensus import build_consensus
    from codesign.analysis.disputes import contested_regions
    from codesign.domain.site import load_site

    site = load_site("aksu-city-square")
    for teams, features in ((5, 40), (12, 80)):
        concepts = generate_concepts(site, teams=teams, features=features, seed=7)
        consensus = build_consensus(concepts, site.frame)
        contested = sum(state == "contested" for state in consensus.states)
        start = time.perf_counter()
        regions = contested_regions(consensus)
        seconds = time.perf_counter() - start
        print(
            f"{teams} x {features}: {len(consensus.states)} faces, {contested} contested -> {len(regions)} regions"
            f" of 50 m² or more in {seconds:.3f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgis", default="", help="a PostgreSQL/PostGIS URL (an empty database or schema)")
    args = parser.parse_args()
    from codesign.storage.files import FileStore

    store_figures("files", FileStore(tempfile.mkdtemp()))
    if args.postgis:
        from codesign.storage.postgis import PostgisStore

        with PostgisStore(args.postgis) as pg:
            store_figures("postgis", pg)
    grouping_figures()


if __name__ == "__main__":
    main()
