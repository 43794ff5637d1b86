"""``report`` and ``export``: the files the architecture department takes away.

    python -m codesign report SESSION --lang ru|kk|en [--paper a4|a3] --out report.pdf
    python -m codesign export SESSION --format gpkg|dxf|geojson|csv --out PATH

``report`` writes the comparison report (PDF) and ``export`` the GIS/CAD files (GeoPackage,
DXF, zipped GeoJSON or zipped CSV tables). The folder of ``--out`` is checked before the work.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from codesign.errors import CodesignError
from codesign.i18n import LANGUAGES
from codesign.storage.base import Store

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``report`` and ``export`` to the command line.

    Parameters
    ----------
    sub
        The top-level subcommands.
    """
    from codesign.export import EXPORT_FORMATS
    from codesign.report import PAPER_SIZES_MM

    report = sub.add_parser("report", help="write the comparison report as a PDF (landscape, ru/kk/en)")
    report.add_argument("session")
    # SUPPRESS: "--lang" given before the command (as for the others) is not overwritten
    report.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help="language of the report")
    report.add_argument("--paper", choices=tuple(PAPER_SIZES_MM), default="a4", help="paper size (default a4)")
    report.add_argument("--out", required=True, help="the PDF file to write")
    report.set_defaults(handler=_report)
    export = sub.add_parser("export", help="write GIS/CAD/table files for the architecture department")
    export.add_argument("session")
    export.add_argument(
        "--format",
        required=True,
        choices=EXPORT_FORMATS,
        help="gpkg (GeoPackage), dxf (AutoCAD, UTM metres), geojson (zip of layers), csv (zip of tables)",
    )
    export.add_argument("--out", required=True, help="the file to write")
    export.set_defaults(handler=_export)


def _report(args: argparse.Namespace, store: Store) -> None:
    """``report``: the session's comparison report as a PDF file."""
    import time

    from codesign.report import build_report
    from codesign.services.analysis import load_analysis

    started = time.perf_counter()
    _check_writable(args.out)
    pdf = build_report(load_analysis(store, args.session), args.lang, args.paper)
    _write_out(args.out, pdf)
    print(f"Report written to {args.out}: {len(pdf) / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s.")


def _export(args: argparse.Namespace, store: Store) -> None:
    """``export``: one file (GeoPackage, DXF, zipped GeoJSON or zipped CSV) for the session."""
    from codesign.export import export_to
    from codesign.services.analysis import load_analysis

    _check_writable(args.out)
    data = export_to(args.format, load_analysis(store, args.session))
    _write_out(args.out, data)
    print(f"{args.format} export written to {args.out}: {len(data) / 1e3:.0f} KB.")


def _check_writable(path: str) -> None:
    """Refuse before the work when the file's folder does not exist."""
    if not Path(path).resolve().parent.is_dir():
        raise CodesignError("report.cannot_write", file=path, reason="no such folder")


def _write_out(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as err:
        raise CodesignError("report.cannot_write", file=path, reason=err.strerror or str(err)) from None
