"""``python -m codesign``: the workshop from a terminal.

    python -m codesign session new --site aksu-city-square --title "Forum" --teams "A,B"
    python -m codesign session list
    python -m codesign session show SESSION
    python -m codesign demo                 # create the Aksu demo session (if missing)
    python -m codesign run [--demo] [--ssl-cert FILE --ssl-key FILE]   # print the links, start the app
    python -m codesign import plan SESSION FILE [--crs EPSG:N] [--attribute NAME] [--map VALUE=CATEGORY ...]
    python -m codesign import concept SESSION TEAM FILE [same options]
    python -m codesign import site SITE_ID FILE [--name-ru ...] [--name-kk ...] [--name-en ...] [--where KEY=VALUE]
    python -m codesign compare SESSION --team TEAM [--against plan|vision|TEAM] [--distance 10] [--json]
    python -m codesign consensus SESSION [--threshold 0.5] [--with-plan] [--distance 12] [--json]
    python -m codesign cost SESSION --team TEAM|plan|vision [--prices FILE] [--json]
    python -m codesign check SESSION --team TEAM|plan|vision [--rules FILE] [--json]
    python -m codesign report SESSION --lang ru|kk|en [--paper a4|a3] --out report.pdf
    python -m codesign export SESSION --format gpkg|dxf|geojson|csv --out PATH
    python -m codesign paper sheet SESSION [--team TEAM ...] [--paper a4|a3] [--lang ru|kk|en] --out sheet.pdf
    python -m codesign paper scan SESSION PHOTO [--map COLOUR=CATEGORY ...] [--team TEAM] [--json]
    python -m codesign store copy --from DIR|URL --to URL|DIR [--session SESSION ...]
    python -m codesign backup --out FILE [--store DIR|URL]      # every session, version, round, vote
    python -m codesign restore FILE [--store DIR|URL]           # into a store (sessions it has are refused)

One module a family of commands, each adding its commands to the parser and naming their
handler: :mod:`~codesign.cli.sessions` (session, demo), :mod:`~codesign.cli.run`,
:mod:`~codesign.cli.imports`, :mod:`~codesign.cli.analysis` (compare, consensus),
:mod:`~codesign.cli.cost`, :mod:`~codesign.cli.norms` (check), :mod:`~codesign.cli.files` (report, export),
:mod:`~codesign.cli.paper` (paper sheets),
:mod:`~codesign.cli.stores` (store copy), :mod:`~codesign.cli.backup` (backup, restore);
:mod:`~codesign.cli.tables` prints numbers and tables. A handler takes the parsed arguments
and the :class:`~codesign.storage.base.Store`; errors become one translated line and exit code 2.

The sessions folder is ``CODESIGN_SESSIONS_DIR`` (default ``sessions/``), or, when
``CODESIGN_DATABASE_URL`` is set, the PostGIS database (:func:`codesign.storage.base.open_store`);
``store copy`` copies sessions between the two. Links use ``--base-url`` or
``CODESIGN_BASE_URL`` (default http://localhost:8501).
"""

from __future__ import annotations

import argparse
import os  # tests replace os.execv through codesign.cli.os (the run command calls it)
import sys
from collections.abc import Sequence

from codesign.cli import analysis, backup, cost, files, imports, norms, paper, run, sessions, stores
from codesign.errors import CodesignError, SessionConflictError
from codesign.i18n import translate
from codesign.storage.base import open_store

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    """The command line: ``--lang`` and the commands of every family.

    Returns
    -------
    argparse.ArgumentParser
        Parsed arguments carry ``handler``, the function that runs the command.
    """
    prog = "codesign" if os.path.basename(sys.argv[0]) == "codesign" else "python -m codesign"  # the console script
    parser = argparse.ArgumentParser(prog=prog, description="Tugan Qala Co-design workshop tool")
    parser.add_argument(
        "--lang", choices=("ru", "kk", "en"), default="en", help="language of error messages and report sentences"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for family in (sessions, run, imports, analysis, norms, cost, files, paper, stores, backup):
        family.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv
        The arguments after ``python -m codesign``; ``None`` for the process's own.

    Returns
    -------
    int
        The exit code: 0, or 2 when the command was refused (the reason printed to stderr).
    """
    args = build_parser().parse_args(argv)
    try:
        if args.command == "store" or getattr(args, "opens_store", False):  # they open the stores they need
            args.handler(args)
        else:
            args.handler(args, open_store())
    except SessionConflictError as err:  # the tablet's wording ("choose what to do") does not fit a terminal
        owner = getattr(args, "team", None) or getattr(args, "what", "")
        print(f"error: {translate('cli.save_conflict', args.lang, owner=owner, **err.params)}", file=sys.stderr)
        return 2
    except CodesignError as err:
        print(f"error: {translate(err.key, args.lang, **err.params)}", file=sys.stderr)
        return 2
    return 0
