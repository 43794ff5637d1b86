"""Report and export figures: build time and size of the PDF, time of each export.

    .venv/bin/python bench/report_bench.py

Two sessions in a temporary store: the Aksu demo (2 teams and the plan), and 12 synthetic
teams (``generate_concepts(site, teams=12, features=60, seed=1)``) with the demo plan and a
joint vision made from their consensus. Targets: a report under 15 s and under 10 MB.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import generate_concepts  # noqa: E402
from codesign.analysis.consensus import build_consensus, joint_vision  # noqa: E402
from codesign.domain.concept import concept_from_geojson  # noqa: E402
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.site import load_site  # noqa: E402
from codesign.export import export_csv, export_dxf, export_geojson_zip, export_gpkg  # noqa: E402
from codesign.report import build_report  # noqa: E402
from codesign.services.analysis import load_analysis  # noqa: E402
from codesign.services.demo import DEMO_SITE_ID, ensure_demo_session  # noqa: E402
from codesign.storage.files import FileStore  # noqa: E402


def twelve_team_session(store: FileStore) -> str:
    """A session of 12 synthetic teams (60 features each), the demo plan and a joint vision."""
    site = load_site(DEMO_SITE_ID)
    concepts = generate_concepts(site, teams=12, features=60, seed=1)
    session = store.create_session(
        site=site.id, title="Synthetic 12 teams", teams=[(f"Команда {i + 1}", None) for i in range(12)]
    )
    for team, concept in zip(session.teams, concepts, strict=True):
        store.save_concept(session.id, team.id, replace(concept, team=team.id), 0)
    plan = concept_from_geojson(json.loads((site.folder / "akimat_plan.geojson").read_text(encoding="utf-8")))
    store.save_concept(session.id, PLAN_OWNER, plan, 0)
    vision = joint_vision(build_consensus(concepts, site.frame), site=site.id, title="Joint vision")
    store.save_concept(session.id, VISION_OWNER, vision, 0)
    return session.id


def measure(store: FileStore, session_id: str, label: str, out: Path) -> None:
    """Print the report's build time and size (A4 ru, A3 kk) and each export's time and size.

    Each report is timed as the command line makes it: the analysis loaded, then the PDF laid out.
    """
    started = time.perf_counter()
    analysis = load_analysis(store, session_id)
    print(f"{label}: analysis {time.perf_counter() - started:.2f} s")
    for lang, paper in (("ru", "a4"), ("kk", "a3")):
        started = time.perf_counter()
        pdf = build_report(load_analysis(store, session_id), lang, paper)
        elapsed = time.perf_counter() - started
        (out / f"{session_id}-{lang}-{paper}.pdf").write_bytes(pdf)
        print(f"{label}: report {lang} {paper.upper()} {elapsed:.2f} s, {len(pdf) / 1e6:.2f} MB")
    for name, export in (
        ("gpkg", export_gpkg),
        ("dxf", export_dxf),
        ("geojson.zip", export_geojson_zip),
        ("csv.zip", export_csv),
    ):
        target = out / f"{session_id}.{name}"
        started = time.perf_counter()
        export(analysis, target)
        elapsed = time.perf_counter() - started
        print(f"{label}: export {name} {elapsed:.2f} s, {target.stat().st_size / 1e3:.0f} KB")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = FileStore(Path(folder) / "sessions")
        out = Path(folder) / "out"
        out.mkdir()
        demo = ensure_demo_session(store)
        measure(store, demo.id, "demo (2 teams)", out)
        measure(store, twelve_team_session(store), "12 teams x 60 features", out)


if __name__ == "__main__":
    main()
