"""Load through one address: N tablets on two app processes behind HAProxy, sharing PostGIS.

The room of ``tests/e2e/test_proxy.py`` (``deploy/haproxy/codesign.cfg`` as shipped, HTTPS with a
self-signed certificate, two Streamlit processes on one PostGIS database) under the tablets and
projector of ``bench/load_test.py``: every tablet opens its map, then all place amenities together
for the given minutes, one save each.

Reported: saves confirmed on the tablets and kept in the database (lost: confirmed but missing;
duplicated: a version whose number of amenities is not its number, i.e. a save stored twice or
one stored over another; gaps), save-to-gallery latency (median, p95, max), and each process's
peak memory (RSS of its process group, /proc).

Run: ``.venv/bin/python bench/proxy_bench.py --tablets 20 --minutes 2 [--processes 2] [--json FILE]``
(a throwaway PostGIS cluster from ``tools/pg_cluster.sh`` unless ``--database-url`` is given).
Exit code 1 when a save was lost or duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import secrets
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load_test import CHROMIUM, CHROMIUM_ARGS, SITE, TabletLog, group_rss_mb, run_load  # noqa: E402
from codesign.domain.session import Session  # noqa: E402
from codesign.storage.postgis import PostgisStore, url_with_schema  # noqa: E402
from tests.support.proxy import AppProcess, running_room  # noqa: E402


def check_database(
    store: PostgisStore, session: Session, logs: list[TabletLog]
) -> tuple[int, int, int, int, list[str]]:
    """Versions stored, lost, duplicated and gaps: each version holds exactly as many amenities as its number."""
    stored = lost = duplicated = gaps = 0
    problems: list[str] = []
    for log in logs:
        numbers = [v.version for v in store.versions(session.id, log.team)]
        stored += len(numbers)
        if numbers != list(range(1, len(numbers) + 1)):
            gaps += 1
            problems.append(f"{log.team}: versions are not 1..N: {numbers[:8]}")
        for number in numbers:
            features = len(store.load_version(session.id, log.team, number).features)
            if features != number:
                duplicated += 1
                problems.append(f"{log.team} v{number}: {features} amenities")
        for number in sorted(set(log.confirmed_at) - set(numbers)):
            lost += 1
            problems.append(f"{log.team}: version {number} was confirmed on the tablet but is not stored")
    return stored, lost, duplicated, gaps, problems


class PeakMemory:
    """Each app process's peak RSS (its process group), sampled every half second in a thread."""

    def __init__(self, apps: list[AppProcess]) -> None:
        self.apps = apps
        self.start = {a.name: group_rss_mb(a.proc.pid) for a in apps if a.proc}
        self.peak = dict(self.start)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            for app in self.apps:
                if app.proc is not None and app.running:
                    self.peak[app.name] = max(self.peak[app.name], group_rss_mb(app.proc.pid))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@contextlib.contextmanager
def database(url: str | None):
    """A fresh schema of the given database, or of a throwaway cluster."""
    import psycopg

    with contextlib.ExitStack() as stack:
        if not url:
            folder = tempfile.mkdtemp(prefix="codesign-bench-pg-")
            url = subprocess.run(
                ["bash", str(ROOT / "tools" / "pg_cluster.sh"), "start", folder],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()[-1]
            stack.callback(subprocess.run, ["bash", str(ROOT / "tools" / "pg_cluster.sh"), "stop", folder], check=False)
        schema = f"bench_{secrets.token_hex(4)}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        yield url_with_schema(url, schema)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 1.5), help="pause between saves, s (min max)")
    parser.add_argument("--database-url", default=None, help="a PostGIS database (default: a throwaway cluster)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (logs, evidence)")
    args = parser.parse_args(argv)
    secret = secrets.token_urlsafe(24)
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            folder = args.keep
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="codesign-proxy-bench-")))
        url = stack.enter_context(database(args.database_url))
        env = {"CODESIGN_DATABASE_URL": url, "CODESIGN_FACILITATOR_SECRET": secret}
        room = stack.enter_context(running_room(env, folder, processes=args.processes))
        store = stack.enter_context(PostgisStore(url))
        session = store.create_session(
            site=SITE, title="Нагрузка через прокси", teams=[(f"Команда {i}", None) for i in range(1, args.tablets + 1)]
        )
        memory = stack.enter_context(PeakMemory(room.apps))
        report = asyncio.run(
            run_load(
                room.url,
                store,  # type: ignore[arg-type] - only passed on to check
                session,
                seconds=args.minutes * 60,
                launch_args={
                    "executable_path": CHROMIUM,
                    "args": [*CHROMIUM_ARGS, "--ignore-certificate-errors"],  # the room's self-signed certificate
                    "headless": True,
                },
                secret=secret,
                think=tuple(args.think),
                evidence=folder / "evidence",
                check=lambda s, logs: check_database(store, s, logs),
                all_at_once=True,
            )
        )
    figures = asdict(report)
    figures["process_rss_start_mb"] = memory.start
    figures["process_rss_peak_mb"] = memory.peak
    lines = [line for line in report.summary().splitlines() if not line.startswith("server RSS")]
    print("\n".join(lines).replace("torn:", "duplicated:").replace("versions on disk", "versions stored"))
    per_process = (f"{n} {memory.start[n]:.0f} MB at start, peak {p:.0f} MB" for n, p in memory.peak.items())
    print("per process: " + ", ".join(per_process))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), "utf-8")
    return 0 if report.versions_lost == 0 and report.versions_torn == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
