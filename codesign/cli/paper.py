"""``paper sheet|scan``: print the teams' paper sheets, read a photo of one into a team's concept.

    python -m codesign paper sheet SESSION [--team TEAM ...] [--paper a4|a3] [--lang ru|kk|en]
        [--with-plan] --out sheet.pdf
    python -m codesign paper scan SESSION PHOTO [--map COLOUR=CATEGORY ...] [--team TEAM] [--title T]
        [--dry-run] [--json]

``scan`` prints what the photo holds (whose sheet, how sharp, the marks of each pen colour);
with ``--map`` it saves them as the team's next version, marked "from paper" (``--dry-run``:
only say what would be saved). The team is the one in the sheet's QR code, or ``--team`` when
the code cannot be read.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from codesign.domain.geometry import to_geojson_geometry
from codesign.domain.paper import PEN_COLOURS
from codesign.domain.taxonomy import category
from codesign.errors import PaperScanError
from codesign.i18n import LANGUAGES, translate
from codesign.storage.base import Store

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``paper sheet`` and ``paper scan`` to the command line.

    Parameters
    ----------
    sub
        The top-level subcommands.
    """
    paper = sub.add_parser("paper", help="paper sheets: print them, read photos of them")
    psub = paper.add_subparsers(dest="what", required=True)
    sheet = psub.add_parser("sheet", help="write the teams' sheets (a page per team) as a PDF to print")
    sheet.add_argument("session")
    sheet.add_argument("--team", action="append", default=[], help="a team id (repeatable; default: every team)")
    sheet.add_argument("--paper", choices=("a4", "a3"), default="a4", help="paper size (default a4)")
    # SUPPRESS: "--lang" given before the command is not overwritten
    sheet.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help="language of the sheet")
    sheet.add_argument("--with-plan", action="store_true", help="print the akimat's plan faint on the map")
    sheet.add_argument("--out", required=True, help="the PDF file to write")
    sheet.set_defaults(handler=_sheet)
    scan = psub.add_parser("scan", help="read a photo of a sheet; with --map, save it as the team's next version")
    scan.add_argument("session")
    scan.add_argument("photo", help="the photo (JPEG, PNG or WebP)")
    scan.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLOUR=CATEGORY",
        help=f"what a pen colour means ({', '.join(PEN_COLOURS)}); empty category: leave it out; repeatable",
    )
    scan.add_argument("--team", help="the team, when the sheet's QR code cannot be read")
    scan.add_argument("--title", help="title of the concept (default: the team's previous one)")
    scan.add_argument("--dry-run", action="store_true", help="say what would be saved, save nothing")
    scan.add_argument("--json", action="store_true", help="print JSON")
    scan.set_defaults(handler=_scan)


def _sheet(args: argparse.Namespace, store: Store) -> None:
    """``paper sheet``: the sheets as one PDF."""
    from codesign.cli.files import _check_writable, _write_out
    from codesign.services.paper import session_sheets

    _check_writable(args.out)
    pdf = session_sheets(store, args.session, args.lang, args.paper, teams=args.team or None, with_plan=args.with_plan)
    _write_out(args.out, pdf)
    print(f"Sheets written to {args.out}: {len(pdf) / 1e6:.1f} MB.")


def _mapping(options: list[str]) -> dict[str, str | None]:
    mapping: dict[str, str | None] = {}
    for option in options:
        colour, sep, category_id = option.partition("=")
        colour = colour.strip().lower()
        if not sep or colour not in PEN_COLOURS:
            raise PaperScanError("paper.bad_map", option=option[:80])
        mapping[colour] = category(category_id.strip()).id if category_id.strip() else None
    return mapping


def _scan(args: argparse.Namespace, store: Store) -> None:
    """``paper scan``: read the photo, print it; with ``--map`` save the concept."""
    from codesign.paper.concept import marks_in_metres, scan_to_concept
    from codesign.services.paper import scan_for_session

    mapping = _mapping(args.map)
    try:
        data = Path(args.photo).read_bytes()
    except OSError:
        raise PaperScanError("import.cannot_read_file", file=args.photo) from None
    found = scan_for_session(store, args.session, data, args.team)
    scan, site = found.scan, found.site
    report: dict[str, Any] = _describe(found, marks_in_metres(scan, site), args.lang)
    if mapping:
        if found.team is None:
            raise PaperScanError("paper.choose_team")
        previous = store.load_latest(found.session.id, found.team)
        title = args.title or (previous.title if previous else "") or Path(args.photo).name
        result = scan_to_concept(scan, site, found.team, mapping, title=title, photo_name=Path(args.photo).name)
        if not result.concept.features:
            raise PaperScanError("paper.nothing_mapped")
        report["mapping"] = {c: mapping.get(c) for c in scan.colours()}
        report["unmapped"] = [{"mark": i, "colour": v} for i, v, _ in result.unmapped]
        report["rejected"] = [
            {"mark": i, "reason": translate(n.key, args.lang, **n.params)} for i, n in result.rejected
        ]
        report["features"] = len(result.concept.features)
        if not args.dry_run:
            saved = store.save_concept(found.session.id, found.team, result.concept, base_version=None)
            report["saved_version"] = saved.version
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        _print(report, args.lang)


def _describe(found: Any, marks: list[tuple[str, str, Any]], lang: str) -> dict[str, Any]:
    scan = found.scan
    return {
        "session": found.session.id,
        "team": found.team,
        "sheet": scan.code.sheet if scan.code else None,
        "qr_code": None if scan.code else translate(scan.code_error.key, lang, **scan.code_error.params),
        "paper": scan.paper,
        "markers": scan.markers,
        "blur_mm": round(scan.blur_mm, 3),
        "photo_px_per_mm": round(scan.px_per_unit / (1.0 if scan.paper == "a4" else 2**0.5), 2),
        "seconds": round(sum(scan.seconds.values()), 2),
        "inks": {c: "#{:02X}{:02X}{:02X}".format(*rgb) for c, rgb in scan.inks.items()},
        "marks": [
            {
                "colour": colour,
                "kind": kind,
                "area_m2": round(geometry.area, 1) if kind == "area" else None,
                "length_m": round(geometry.length, 1) if kind == "line" else None,
                "geometry": to_geojson_geometry(found.site.frame.to_lonlat(geometry)),
            }
            for colour, kind, geometry in marks
        ],
    }


def _print(report: dict[str, Any], lang: str) -> None:
    sheet = report["sheet"] or "?"
    print(
        f"Sheet {sheet} of team {report['team'] or '?'} ({report['paper'].upper()}), {report['markers']} of 4 markers,"
        f" blur {report['blur_mm']:.2f} mm, {report['photo_px_per_mm']:.1f} photo pixels per mm,"
        f" read in {report['seconds']:.1f} s."
    )
    if report["qr_code"]:
        print(f"  note: {report['qr_code']}")
    counts: dict[str, Counter[str]] = {}
    for mark in report["marks"]:
        counts.setdefault(mark["colour"], Counter())[mark["kind"]] += 1
    print("Marks (colour: areas, dots, lines):")
    for colour, kinds in counts.items():
        meaning = report.get("mapping", {}).get(colour, "")
        shown = f" -> {category(meaning).label(lang)} [{meaning}]" if meaning else ""
        print(f"  {colour} {report['inks'].get(colour, '')}: {kinds['area']}, {kinds['dot']}, {kinds['line']}{shown}")
    if "features" not in report:
        print("Nothing saved: say what each colour means with --map COLOUR=CATEGORY (e.g. --map green=lawn).")
        return
    for item in report["unmapped"]:
        print(f"  mark #{item['mark']} ({item['colour']}): not mapped, left out")
    for item in report["rejected"]:
        print(f"  mark #{item['mark']}: {item['reason']}")
    if "saved_version" in report:
        print(
            f"Saved version {report['saved_version']} of {report['team']}: {report['features']} features, from paper."
        )
    else:
        print(f"Dry run: {report['features']} features would be saved.")
