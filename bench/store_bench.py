"""Save and load latency of the two stores (measured, never asserted).

For each store: 100 saves of a 60-feature concept (each a new version based on the one
before, as a tablet saves), then 100 loads of the latest version, one at a time from one
process; the median and 95th percentile of each, in milliseconds.

- file: the FileStore in a temporary folder (fsync of the file and its folder at every save);
- postgis: the PostgisStore on ``CODESIGN_DATABASE_URL`` if set (a fresh schema in it, dropped
  afterwards), else on a throwaway local cluster started with tools/pg_cluster.sh (durable
  settings: fsync on, synchronous commit).

Run: ``.venv/bin/python bench/store_bench.py [--repeats 100] [--json out.json]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synthetic import generate_concepts  # noqa: E402
from codesign.domain.concept import Concept  # noqa: E402
from codesign.domain.site import load_site  # noqa: E402
from codesign.storage.base import Store  # noqa: E402
from codesign.storage.files import FileStore  # noqa: E402
from codesign.storage.postgis import PostgisStore, url_with_schema  # noqa: E402

PG_CLUSTER = ROOT / "tools" / "pg_cluster.sh"


@dataclass
class Figures:
    """Latencies of one store, in milliseconds."""

    store: str
    repeats: int
    features: int
    document_kb: float
    save_median_ms: float
    save_p95_ms: float
    load_median_ms: float
    load_p95_ms: float

    def line(self) -> str:
        """One readable line."""
        return (
            f"{self.store:8s} save median {self.save_median_ms:6.2f} ms (p95 {self.save_p95_ms:6.2f}),"
            f" load latest median {self.load_median_ms:6.2f} ms (p95 {self.load_p95_ms:6.2f});"
            f" {self.features} features, {self.document_kb:.0f} KB a version"
        )


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def measure(name: str, store: Store, concept: Concept, repeats: int) -> Figures:
    """``repeats`` saves, then ``repeats`` loads of the latest, timed one by one."""
    session = store.create_session(site=concept.site, title="bench", teams=[("Команда", None)])
    saves, loads = [], []
    latest = store.save_concept(session.id, "team-1", concept, 0)  # warm-up, not counted
    for i in range(repeats):
        changed = replace(latest, title=f"версия {i}")
        started = time.perf_counter()
        latest = store.save_concept(session.id, "team-1", changed, latest.version)
        saves.append((time.perf_counter() - started) * 1000)
    for _ in range(repeats):
        started = time.perf_counter()
        loaded = store.load_latest(session.id, "team-1")
        loads.append((time.perf_counter() - started) * 1000)
    if loaded != latest or len(loaded.features) != len(concept.features):
        raise RuntimeError("the store did not give back what was saved")
    size = store.versions(session.id, "team-1")[-1].size
    return Figures(
        name,
        repeats,
        len(concept.features),
        size / 1024,
        statistics.median(saves),
        p95(saves),
        statistics.median(loads),
        p95(loads),
    )


@contextlib.contextmanager
def database_url() -> Iterator[str]:
    """A fresh schema in ``CODESIGN_DATABASE_URL``, or a throwaway cluster, for the run."""
    import psycopg

    given = os.environ.get("CODESIGN_DATABASE_URL", "").strip()
    folder = None
    if given:
        base = given
    else:
        folder = tempfile.mkdtemp(prefix="codesign-bench-pg-")
        base = subprocess.run(
            ["bash", str(PG_CLUSTER), "start", folder], capture_output=True, text=True, check=True
        ).stdout.strip()
    schema = f"bench_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        yield url_with_schema(base, schema)
    finally:
        if folder:
            subprocess.run(["bash", str(PG_CLUSTER), "stop", folder], capture_output=True, check=False)
        else:
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--features", type=int, default=60)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    [concept] = generate_concepts(load_site("aksu-city-square"), teams=1, features=args.features)
    results = []
    with tempfile.TemporaryDirectory(prefix="codesign-bench-") as folder:
        results.append(measure("file", FileStore(Path(folder) / "sessions"), concept, args.repeats))
    with database_url() as url, PostgisStore(url) as store:
        results.append(measure("postgis", store, concept, args.repeats))
    for figures in results:
        print(figures.line())
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in results], indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
