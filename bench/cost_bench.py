"""Cost figures for the closing note (measured, never asserted).

1. What the tablet's cost panel adds to each run of the sketch page with a 60-feature concept:
   reading the session's costing from the file store (its TOML text parsed again) and costing
   the concept, median of 20 warm runs.
2. The CSV export of a session with three teams, the plan and a joint vision, with and without
   the cost, provenance and reasons tables (median of 5), to show what they add.

Run: ``.venv/bin/python bench/cost_bench.py``.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sketch_bench import sixty_feature_concept  # noqa: E402
from codesign.analysis.cost import concept_cost  # noqa: E402
from codesign.domain.site import load_site  # noqa: E402
from codesign.export import csv as csv_export  # noqa: E402
from codesign.services.analysis import load_analysis  # noqa: E402
from codesign.storage.files import FileStore  # noqa: E402
from tests.support.decisions import decision_session  # noqa: E402


def median_ms(run, times: int) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    store = FileStore(tempfile.mkdtemp(prefix="cost-bench-"))
    session = decision_session(store)
    frame = load_site(session.site).frame
    concept = sixty_feature_concept()

    def panel() -> None:
        costing = store.load_costing(session.id)
        concept_cost(concept, frame, costing.prices)

    panel()
    print(f"tablet cost panel, 60 features: {median_ms(panel, 20):.1f} ms (median of 20)")
    analysis = load_analysis(store, session.id)

    def export() -> None:
        csv_export.export_csv(analysis, io.BytesIO())

    with_tables = median_ms(export, 5)
    saved = (csv_export.cost_tables, csv_export.provenance_table, csv_export.reasons_table, csv_export.reason_columns)
    csv_export.cost_tables = lambda a: {}  # type: ignore[assignment]
    csv_export.provenance_table = lambda a: []  # type: ignore[assignment]
    csv_export.reasons_table = lambda a: []  # type: ignore[assignment]
    csv_export.reason_columns = lambda rows, a: None  # type: ignore[assignment]
    without = median_ms(export, 5)
    (csv_export.cost_tables, csv_export.provenance_table, csv_export.reasons_table, csv_export.reason_columns) = saved
    print(f"CSV export: {with_tables:.0f} ms with the cost/provenance/reasons tables, {without:.0f} ms without")


if __name__ == "__main__":
    main()
