"""Paper sheets: the time to scan a 12-megapixel phone photo of a drawn-on sheet, and to print the sheets.

    .venv/bin/python bench/paper_bench.py [--repeat 3]

The photo is made as the tests make it (tests/support/paper_photos.py): the Aksu sheet printed
by ``build_sheets``, rendered, drawn on with five pen colours (outlined, solid and hatched
areas, dots), black handwriting, then photographed at 4032 x 3024 (rotated, in perspective, lit
unevenly, blurred, noised, JPEG 85). Target: a scan under 3 s here. The scan's steps are timed
(decode, rectify with the QR code, pen colours, marks) and each shape's IoU / distance printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from codesign.domain.session import new_session  # noqa: E402
from codesign.domain.site import load_site  # noqa: E402
from codesign.paper.concept import marks_in_metres  # noqa: E402
from codesign.paper.scan import scan_photo  # noqa: E402
from codesign.paper.sheet import build_sheets  # noqa: E402
from tests.support.paper_photos import PhotoSettings, aksu_drawing, draw_on_page, photograph, render_page  # noqa: E402

TARGET_S = 3.0


def main() -> None:
    """Print the sheets' print time, then the scan time of a 12-megapixel photo (median of ``--repeat``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    site = load_site("aksu-city-square")
    teams = [(f"Команда {i + 1}", None) for i in range(12)]
    session = new_session(site=site.id, title="Bench", teams=teams, now=datetime(2026, 12, 1), session_id="bench")
    started = time.perf_counter()
    pdf = build_sheets(session, site, "ru")
    print(f"sheets: 12 teams, A4, {len(pdf) / 1e6:.2f} MB in {time.perf_counter() - started:.2f} s")
    page, drawn = draw_on_page(
        render_page(build_sheets(session, site, "ru", teams=["team-1"]), 8.0), 8.0, site, "a4", aksu_drawing(site)
    )
    settings = PhotoSettings()
    jpeg = photograph(page, settings)
    print(
        f"photo: {settings.size[0]} x {settings.size[1]} = {settings.size[0] * settings.size[1] / 1e6:.1f} MP,"
        f" JPEG {len(jpeg) / 1e6:.1f} MB"
    )
    totals, steps = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        scan = scan_photo(jpeg, "bench")
        totals.append(time.perf_counter() - started)
        steps.append(scan.seconds)
    median = statistics.median(totals)
    parts = ", ".join(f"{name} {statistics.median(s[name] for s in steps):.2f}" for name in steps[0])
    print(
        f"scan: median {median:.2f} s of {args.repeat} (min {min(totals):.2f}, max {max(totals):.2f}); steps: {parts}"
    )
    print(f"target under {TARGET_S:.0f} s: {'met' if median < TARGET_S else 'NOT met'} ({median / TARGET_S:.2f} of it)")
    marks = marks_in_metres(scan, site)
    for shape in drawn:
        same = [(k, g) for c, k, g in marks if c == shape.colour]
        if shape.geometry.geom_type == "Point":
            value = min((g.distance(shape.geometry) for k, g in same if k == "dot"), default=float("inf"))
            print(f"  {shape.colour:7} dot: {value:.2f} m from where it was drawn")
        else:
            iou = max(
                (g.intersection(shape.geometry).area / g.union(shape.geometry).area for k, g in same if k == "area"),
                default=0.0,
            )
            print(f"  {shape.colour:7} area {shape.geometry.area:7.0f} m²: IoU {iou:.3f}")
    print(f"marks found: {len(marks)}, drawn: {len(drawn)}")


if __name__ == "__main__":
    main()
