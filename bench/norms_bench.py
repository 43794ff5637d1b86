"""Design-norm checks: how long one concept takes against the Aksu pack (measured, never asserted).

The tablet re-checks the concept after every save, so the whole pack on a 60-feature concept
should take well under 50 ms. Concepts are synthetic (``bench/synthetic.py``: about 60 % zones,
15 % paths, 25 % amenities) on the Aksu site, with its context buildings and streets.

Run: ``.venv/bin/python bench/norms_bench.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import generate_concepts  # noqa: E402
from codesign.analysis.norms import check_concept  # noqa: E402
from codesign.domain.rules import load_pack  # noqa: E402
from codesign.domain.site import load_site  # noqa: E402

BUDGET_MS = 50.0


def main() -> None:
    """Print the median and worst time of the whole pack on concepts of 20 to 240 features."""
    site = load_site("aksu-city-square")
    pack = load_pack("aksu-illustrative")
    check_concept(generate_concepts(site, teams=1, features=5, seed=0)[0], pack, site)  # warm the caches
    print(f"pack {pack.id}: {len(pack.rules)} rules ({', '.join(sorted({r.kind for r in pack.rules}))})")
    for features in (20, 60, 120, 240):
        concepts = generate_concepts(site, teams=10, features=features, seed=features)
        times = []
        for concept in concepts:
            for _ in range(3):
                start = time.perf_counter()
                check_concept(concept, pack, site)
                times.append((time.perf_counter() - start) * 1000)
        fails = statistics.mean(report.count("fail") for report in [check_concept(c, pack, site) for c in concepts])
        median, worst = statistics.median(times), max(times)
        mark = f" ({median / BUDGET_MS:.2f} of the {BUDGET_MS:.0f} ms budget)" if features == 60 else ""
        print(
            f"{features:4d} features: median {median:6.1f} ms, worst {worst:6.1f} ms over {len(times)} runs;"
            f" {fails:.1f} rules failing on average{mark}"
        )


if __name__ == "__main__":
    main()
