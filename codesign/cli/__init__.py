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
    python -m codesign report SESSION --lang ru|kk|en [--paper a4|a3] --out report.pdf
    python -m codesign export SESSION --format gpkg|dxf|geojson|csv --out PATH
    python -m codesign store copy --from DIR|URL --to URL|DIR [--session SESSION ...]

``compare`` and ``consensus`` print a readable summary (sentences in ``--lang``) or, with
``--json``, the documented JSON (docs/compare-format.md, docs/consensus-format.md).
``report`` writes the comparison report (PDF) and ``export`` the files for the architecture
department (GeoPackage, DXF, zipped GeoJSON or zipped CSV tables).

The sessions folder is ``CODESIGN_SESSIONS_DIR`` (default ``sessions/``), or, when
``CODESIGN_DATABASE_URL`` is set, the PostGIS database (:func:`codesign.storage.base.open_store`);
``store copy`` copies sessions between the two. Links use ``--base-url`` or
``CODESIGN_BASE_URL`` (default http://localhost:8501).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from codesign.analysis.compare import DEFAULT_MATCH_DISTANCE_M, Comparison, category_label, compare_concepts, describe
from codesign.analysis.consensus import (
    DEFAULT_CLUSTER_DISTANCE_M,
    DEFAULT_THRESHOLD,
    Consensus,
    build_consensus,
    consensus_sentences,
    describe_finding,
)
from codesign.cli.serve import streamlit_command
from codesign.config import BASE_URL_VARIABLE, settings
from codesign.domain.access import (
    default_secrets_files,
    facilitator_link,
    facilitator_secret,
    join_link,
    secret_from_toml_files,
)
from codesign.domain.concept import Concept
from codesign.domain.notices import Notice
from codesign.domain.session import PLAN_OWNER, VISION_OWNER, Session
from codesign.domain.site import load_site
from codesign.domain.taxonomy import category
from codesign.errors import CodesignError, ImportFormatError, SessionConflictError
from codesign.i18n import LANGUAGES, format_number, translate
from codesign.services.demo import ensure_demo_session
from codesign.storage.base import Store, open_store

if TYPE_CHECKING:
    from codesign.io import ImportedFile, ImportResult, MappingSuggestion, RawFeature

__all__ = ["main"]


def _sessions_dir() -> Path:
    return settings().sessions_dir


def _facilitator_secret() -> tuple[str, bool]:
    """The secret the app will use: environment, then secrets.toml (as Streamlit reads it), then the file."""
    return facilitator_secret(_sessions_dir(), configured=secret_from_toml_files(default_secrets_files()))


def _print_links(session: Session, base_url: str, secret: str | None) -> None:
    if secret is not None:
        print(f"Facilitator: {facilitator_link(base_url, secret)}")
    for team in session.teams:
        print(f"{team.id}\t{team.name}\t{join_link(base_url, session.id, team.token)}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m codesign", description="Tugan Qala Co-design workshop tool")
    parser.add_argument(
        "--lang", choices=("ru", "kk", "en"), default="en", help="language of error messages and report sentences"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    session = sub.add_parser("session", help="create, list and show workshop sessions")
    ssub = session.add_subparsers(dest="action", required=True)
    new = ssub.add_parser("new", help="create a session and print its links")
    new.add_argument("--site", required=True)
    new.add_argument("--title", required=True)
    new.add_argument("--teams", required=True, help='comma-separated team names: "Name1,Name2"')
    new.add_argument("--date", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
    new.add_argument("--base-url", default=None)
    ssub.add_parser("list", help="list sessions")
    show = ssub.add_parser("show", help="show a session's teams, links and latest versions")
    show.add_argument("session")
    show.add_argument("--base-url", default=None)
    demo = sub.add_parser("demo", help="create the Aksu demo session if missing, print its links")
    demo.add_argument("--base-url", default=None)
    run = sub.add_parser("run", help="print the facilitator link and start the app")
    run.add_argument("--demo", action="store_true", help="create the Aksu demo session first")
    run.add_argument("--port", type=int, default=8501)
    run.add_argument("--address", default="localhost", help="0.0.0.0 to serve the venue's network")
    run.add_argument("--base-url", default=None)
    run.add_argument("--ssl-cert", default=None, metavar="FILE", help="serve HTTPS with this certificate (PEM)")
    run.add_argument("--ssl-key", default=None, metavar="FILE", help="the certificate's private key (PEM, no password)")
    _import_parser(sub)
    _analysis_parser(sub)
    _report_parser(sub)
    _store_parser(sub)
    return parser


def _store_parser(sub: argparse._SubParsersAction) -> None:
    store = sub.add_parser("store", help="copy sessions between a sessions folder and a PostGIS database")
    ssub = store.add_subparsers(dest="action", required=True)
    copy = ssub.add_parser("copy", help="copy sessions with every version, rounds and votes")
    copy.add_argument("--from", dest="source", required=True, help="a sessions folder or postgresql://... URL")
    copy.add_argument("--to", dest="target", required=True, help="a sessions folder or postgresql://... URL")
    copy.add_argument(
        "--session", action="append", default=[], help="copy only this session (repeatable; default: all)"
    )


def _report_parser(sub: argparse._SubParsersAction) -> None:
    from codesign.export import EXPORT_FORMATS
    from codesign.report import PAPER_SIZES_MM

    report = sub.add_parser("report", help="write the comparison report as a PDF (landscape, ru/kk/en)")
    report.add_argument("session")
    # SUPPRESS: "--lang" given before the command (as for the others) is not overwritten
    report.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help="language of the report")
    report.add_argument("--paper", choices=tuple(PAPER_SIZES_MM), default="a4", help="paper size (default a4)")
    report.add_argument("--out", required=True, help="the PDF file to write")
    export = sub.add_parser("export", help="write GIS/CAD/table files for the architecture department")
    export.add_argument("session")
    export.add_argument(
        "--format",
        required=True,
        choices=EXPORT_FORMATS,
        help="gpkg (GeoPackage), dxf (AutoCAD, UTM metres), geojson (zip of layers), csv (zip of tables)",
    )
    export.add_argument("--out", required=True, help="the file to write")


def _positive_metres(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of metres, got {text!r}")
    return value


def _share(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a share in (0, 1], e.g. 0.5, got {text!r}")
    return value


def _analysis_parser(sub: argparse._SubParsersAction) -> None:
    compare = sub.add_parser("compare", help="compare a team's concept (or the joint vision) with the plan or another")
    compare.add_argument("session")
    compare.add_argument("--team", required=True, help=f"team id (team-1) or {VISION_OWNER}")
    compare.add_argument(
        "--against", default=PLAN_OWNER, help=f"{PLAN_OWNER} (default), {VISION_OWNER} or a team id (team-2)"
    )
    compare.add_argument(
        "--distance",
        type=_positive_metres,
        default=DEFAULT_MATCH_DISTANCE_M,
        help=f"amenities of one type match within this many metres (default {DEFAULT_MATCH_DISTANCE_M:g})",
    )
    compare.add_argument("--json", action="store_true", help="print JSON (docs/compare-format.md)")
    consensus = sub.add_parser("consensus", help="where the teams' concepts agree (faces, k-of-N, Fleiss' kappa)")
    consensus.add_argument("session")
    consensus.add_argument(
        "--threshold",
        type=_share,
        default=DEFAULT_THRESHOLD,
        help=f"share of voices at which ground counts as agreed (default {DEFAULT_THRESHOLD:g})",
    )
    consensus.add_argument("--with-plan", action="store_true", help="count the plan (if saved) as one more voice")
    consensus.add_argument(
        "--distance",
        type=_positive_metres,
        default=DEFAULT_CLUSTER_DISTANCE_M,
        help=f"amenities of one type within this many metres cluster (default {DEFAULT_CLUSTER_DISTANCE_M:g})",
    )
    consensus.add_argument("--json", action="store_true", help="print JSON (docs/consensus-format.md)")


def _import_parser(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser("import", help="import a plan, a team's concept or a new site from a GIS/CAD file")
    isub = imp.add_subparsers(dest="what", required=True)
    plan = isub.add_parser("plan", help="import the akimat's plan into a session (a new plan version)")
    plan.add_argument("session")
    plan.add_argument("file")
    concept = isub.add_parser("concept", help="import a team's concept into a session (a new version)")
    concept.add_argument("session")
    concept.add_argument("team", help="team id, e.g. team-1")
    concept.add_argument("file")
    for parser in (plan, concept):
        parser.add_argument(
            "--crs", help="coordinate system of the file if it has none or a wrong one, e.g. EPSG:32643"
        )
        parser.add_argument("--attribute", help="attribute that says what each feature is (default: the best match)")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="VALUE=CATEGORY",
            help="map a value to a category id (empty category: leave unmapped); repeatable",
        )
        parser.add_argument(
            "--title", help="title of the imported concept (default: the previous one or the file name)"
        )
    site = isub.add_parser("site", help="create data/parks/SITE_ID from a file with the boundary and surroundings")
    site.add_argument("site_id")
    site.add_argument("file")
    for lang in LANGUAGES:
        site.add_argument(f"--name-{lang}", help=f"the site's name in {lang}")
        site.add_argument(f"--city-{lang}", help=f"the city's name in {lang}")
        site.add_argument(f"--region-{lang}", help=f"the region's name in {lang}")
        site.add_argument(f"--notice-{lang}", help=f"a notice shown with the map in {lang} (illustrative sites)")
    site.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="the boundary is the largest polygon with these attributes; repeatable",
    )
    site.add_argument("--attribution", help="data attribution shown on the map")
    site.add_argument("--illustrative", action="store_true", help="the data only stands in for the real site")
    site.add_argument("--overwrite", action="store_true", help="replace an existing site folder")
    site.add_argument("--crs", help="coordinate system of the file if it has none, e.g. EPSG:32643")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    base_url = getattr(args, "base_url", None) or settings().base_url
    try:
        if args.command == "store":
            _copy_store(args)
            return 0
        store = open_store()
        if args.command == "session" and args.action == "new":
            load_site(args.site)
            names = [n.strip() for n in args.teams.split(",") if n.strip()]
            session = store.create_session(
                site=args.site, title=args.title, teams=[(n, None) for n in names], day=args.date
            )
            print(f"Session {session.id}: {session.title} ({session.site}, {session.date})")
            _print_links(session, base_url, _facilitator_secret()[0])
        elif args.command == "session" and args.action == "list":
            for s in store.list_sessions():
                print(f"{s.id}\t{s.date}\t{s.site}\t{len(s.teams)} teams\t{s.title}")
        elif args.command == "session" and args.action == "show":
            session = store.load_session(args.session)
            print(f"Session {session.id}: {session.title} ({session.site}, {session.date})")
            _print_links(session, base_url, None)
            for team in session.teams:
                latest = store.load_latest(session.id, team.id)
                saved = (
                    f"version {latest.version}, {len(latest.features)} features, {latest.saved_at}"
                    if latest
                    else "nothing saved"
                )
                print(f"{team.id}\t{saved}")
        elif args.command == "demo":
            session = ensure_demo_session(store)
            _print_links(session, base_url, _facilitator_secret()[0])
        elif args.command == "run":
            return _run(args, store, base_url)
        elif args.command == "import" and args.what == "site":
            _import_site(args)
        elif args.command == "import":
            _import_concept(args, store)
        elif args.command == "compare":
            _compare(args, store)
        elif args.command == "consensus":
            _consensus(args, store)
        elif args.command == "report":
            _report(args, store)
        elif args.command == "export":
            _export(args, store)
    except SessionConflictError as err:  # the tablet's wording ("choose what to do") does not fit a terminal
        owner = getattr(args, "team", None) or getattr(args, "what", "")
        print(f"error: {translate('cli.save_conflict', args.lang, owner=owner, **err.params)}", file=sys.stderr)
        return 2
    except CodesignError as err:
        print(f"error: {translate(err.key, args.lang, **err.params)}", file=sys.stderr)
        return 2
    return 0


def _copy_store(args: argparse.Namespace) -> None:
    """``store copy``: sessions from one store (folder or database URL) into another."""
    from codesign.storage.copy import copy_sessions, open_location

    copied = copy_sessions(open_location(args.source), open_location(args.target), args.session)
    for session in copied:
        print(f"Copied {session.summary()}")
    print(f"{len(copied)} session(s) copied.")


def _read_upload(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        raise ImportFormatError("import.cannot_read_file", file=path) from None


def _key_value(option: str) -> tuple[str, str]:
    """``VALUE=CATEGORY`` split at the last ``=`` (OSM values such as ``leisure=pitch`` contain one)."""
    key, sep, value = option.rpartition("=")
    if not sep or not key:
        raise ImportFormatError("import.bad_option", option=option[:80])
    return key, value


def _import_concept(args: argparse.Namespace, store: Store) -> None:
    """``import plan`` / ``import concept``: read, map, build, save as a new version; print what happened."""
    from codesign.io import build_concept, read_file, suggest_mapping

    lang = args.lang
    owner = PLAN_OWNER if args.what == "plan" else args.team
    session = store.load_session(args.session)
    if owner != PLAN_OWNER:
        session.team(owner)
    site = load_site(session.site)
    data = _read_upload(args.file)
    imported = read_file(data, Path(args.file).name, crs=args.crs, site=site)
    if args.attribute is not None and args.attribute not in imported.attributes:
        raise ImportFormatError(
            "import.unknown_attribute", attribute=args.attribute, attributes=", ".join(imported.attributes) or "—"
        )
    suggestion = suggest_mapping(imported, args.attribute)
    mapping = suggestion.mapping
    for option in args.map:
        value, category_id = _key_value(option)
        mapping[value] = category(category_id).id if category_id else None
    previous = store.load_latest(session.id, owner)
    title = args.title or (previous.title if previous else "") or imported.file_name
    result = build_concept(
        imported, attribute=suggestion.attribute, mapping=mapping, site=site, team=owner, title=title
    )
    if not result.concept.features:
        _print_import_report(imported, suggestion, mapping, result, lang)
        raise ImportFormatError("import.nothing_to_save")
    saved = store.save_concept(session.id, owner, result.concept, base_version=None)
    _print_import_report(imported, suggestion, mapping, result, lang)
    what = "plan" if owner == PLAN_OWNER else f"concept of {owner}"
    print(f"Saved {what} version {saved.version} in session {session.id}: {len(saved.features)} features.")


def _say(notice: Notice, lang: str) -> str:
    return translate(notice.key, lang, **notice.params)


def _print_import_report(
    imported: ImportedFile,
    suggestion: MappingSuggestion,
    mapping: Mapping[str, str | None],
    result: ImportResult,
    lang: str,
) -> None:
    print(
        f"Read {imported.file_name}: {imported.format}, {imported.source_crs}, {len(imported.features)} features;"
        f" attribute “{suggestion.attribute}”."
    )
    for notice in imported.notices:
        print(f"  note: {_say(notice, lang)}")
    used = Counter(f.category for f in result.concept.features)
    print("Mapping (value -> category: features in the file):")
    for value, info in suggestion.values.items():
        target = mapping.get(value)
        shown = category(target).label(lang) + f" [{target}]" if target else "— (not imported)"
        print(f"  {value or '(empty)'!s} -> {shown}: {info.count}")
    if used:
        print("Imported: " + ", ".join(f"{category(c).label(lang)} {n}" for c, n in used.most_common()))
    if result.unmapped:
        counts = Counter(value for _, value, _ in result.unmapped)
        types: dict[str, set[str]] = {}
        for _, value, geometry_type in result.unmapped:
            types.setdefault(value, set()).add(geometry_type)
        print(f"Unmapped, not imported ({len(result.unmapped)} features):")
        for value, count in counts.most_common():
            print(f"  {value or '(empty)'}: {count} ({', '.join(sorted(types[value]))})")
    if result.rejected:
        print(f"Rejected ({len(result.rejected)} features):")
        for index, notice in result.rejected:
            print(f"  #{index}: {_say(notice, lang)}")
    if result.notices:
        print(f"Changed on import ({len(result.notices)}):")
        for index, notice in result.notices:
            print(f"  #{index}: {_say(notice, lang)}")


def _import_site(args: argparse.Namespace) -> None:
    from codesign.io import import_site
    from codesign.io.categories import value_key

    def per_language(prefix: str) -> dict[str, str] | None:
        values = {lang: getattr(args, f"{prefix}_{lang}") for lang in LANGUAGES if getattr(args, f"{prefix}_{lang}")}
        return values or None

    conditions = [_key_value(option) for option in args.where]
    boundary_filter: Callable[[RawFeature], bool] | None = None
    if conditions:

        def boundary_filter(feature: RawFeature) -> bool:
            return all(value_key(feature.properties.get(key)) == value for key, value in conditions)

    folder = import_site(
        _read_upload(args.file),
        Path(args.file).name,
        args.site_id,
        names=per_language("name"),
        boundary_filter=boundary_filter,
        city=per_language("city"),
        region=per_language("region"),
        notice=per_language("notice"),
        attribution=args.attribution,
        illustrative=args.illustrative,
        overwrite=args.overwrite,
        crs=args.crs,
    )
    site = load_site(args.site_id)
    layers = Counter(f["properties"]["layer"] for f in site.context.get("features", []))
    print(
        f"Site {site.id} written to {folder}: {site.name(args.lang)}, {site.frame.area_m2:,.0f} m²,"
        f" metric CRS EPSG:{site.frame.crs.to_epsg()}."
    )
    print("Context: " + (", ".join(f"{layer} {n}" for layer, n in sorted(layers.items())) or "none"))


def _owner(session: Session, owner: str) -> str:
    """``plan``, ``vision`` or a team id of the session (else ``error.team_not_found``)."""
    return owner if owner in (PLAN_OWNER, VISION_OWNER) else session.team(owner).id


def _owner_name(session: Session, owner: str, lang: str) -> str:
    if owner == PLAN_OWNER:
        return translate("compare.plan", lang)
    if owner == VISION_OWNER:
        return translate("vision.name", lang)
    return f"{session.team(owner).name} ({owner})"


def _latest(store: Store, session: Session, owner: str, lang: str) -> Concept:
    concept = store.load_latest(session.id, owner)
    if concept is None:
        raise CodesignError("cli.nothing_saved", owner=_owner_name(session, owner, lang))
    return concept


def _num(value: float, lang: str, digits: int = 0) -> str:
    return format_number(value, lang, digits=digits)


def _percent(share: float, lang: str) -> str:
    return f"{_num(100 * share, lang, 1)} %"


def _label(cid: str, lang: str) -> str:
    return f"{category_label(cid, lang)} [{cid}]"


def _print_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> None:
    """Columns padded to their widest cell; ``align`` per column ``l``/``r`` (default: first l, others r)."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    align = align or "l" + "r" * (len(header) - 1)
    for row in (header, *rows):
        cells = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(row, widths, align, strict=True)]
        print(("  " + "  ".join(cells)).rstrip())


def _print_json(data: Mapping[str, object]) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _compare(args: argparse.Namespace, store: Store) -> None:
    """``compare``: one concept against the plan, the vision or another team's concept."""
    lang = args.lang
    session = store.load_session(args.session)
    a_owner, b_owner = _owner(session, args.team), _owner(session, args.against)
    a = _latest(store, session, a_owner, lang)
    b = _latest(store, session, b_owner, lang)
    site = load_site(session.site)
    result = compare_concepts(a, b, site.frame, match_distance_m=args.distance)
    if args.json:
        _print_json(result.to_json())
    else:
        _print_comparison(result, session, a, b, lang)


def _print_comparison(result: Comparison, session: Session, a: Concept, b: Concept, lang: str) -> None:
    ao, bo = result.a, result.b
    print(
        f"Comparison in session {session.id}: {_owner_name(session, ao, lang)} v{a.version}"
        f" (a) with {_owner_name(session, bo, lang)} v{b.version} (b)"
    )
    print(f"Site {_num(result.site_area_m2, lang)} m², designed (a ∪ b) {_num(result.designed_m2, lang)} m²")
    print(f"Agreement: {_percent(result.agreement, lang)} of the designed area has the same category in both")
    print(f"Cohen's kappa (whole site, unassigned as a class): {_num(result.kappa, lang, 2)}")
    print()
    print("Zones by category, m²:")
    rows = [
        [_label(cid, lang), _num(f.a_m2, lang), _num(f.b_m2, lang), _num(f.intersection_m2, lang), _num(f.iou, lang, 2)]
        for cid, f in result.categories.items()
    ]
    if rows:
        _print_table(["category", ao, bo, "both", "IoU"], rows)
    else:
        print("  none in either")
    print()
    print(f"Zones of {bo}: what {ao} has there")
    rows = []
    for z in result.zones:
        there = ", ".join(f"{category_label(c, lang)} {_percent(v, lang)}" for c, v in z.shares.items()) or "—"
        if z.outcome == "moved" and z.moved_to:
            there += f"; elsewhere {_num(z.moved_m2, lang)} m² at {z.moved_to[0]:.7f}, {z.moved_to[1]:.7f}"
        rows.append([z.id, _label(z.category, lang), f"{_num(z.area_m2, lang)} m²", z.outcome, there])
    if rows:
        _print_table(["zone", "category", "area", "outcome", f"{ao} there"], rows, align="llrll")
    else:
        print("  none")
    print()
    print(f"Amenities (pairs of one type matched within {_num(result.match_distance_m, lang, 1)} m, closest first):")
    matched = Counter(m.category for m in result.matches)
    rows = [[_label(cid, lang), str(na), str(nb), str(matched[cid])] for cid, (na, nb) in result.amenity_counts.items()]
    if rows:
        _print_table(["type", ao, bo, "matched"], rows)
        print(f"  new in {ao}: {len(result.new_amenities)}; missing from {ao}: {len(result.missing_amenities)}")
    else:
        print("  none in either")
    if result.path_length_m:
        print("Paths, m:")
        _print_table(
            ["type", ao, bo],
            [[_label(cid, lang), _num(la, lang), _num(lb, lang)] for cid, (la, lb) in result.path_length_m.items()],
        )
    sentences = result.sentences()
    if sentences:
        print()
        print("Main points:")
        for notice in sentences:
            print(f"  - {describe(notice, lang)}")


def _consensus(args: argparse.Namespace, store: Store) -> None:
    """``consensus``: every team with a saved concept is a voice (and the plan with --with-plan)."""
    lang = args.lang
    session = store.load_session(args.session)
    concepts = [c for team in session.teams if (c := store.load_latest(session.id, team.id)) is not None]
    if not concepts:
        raise CodesignError("cli.no_concepts", session_id=session.id)
    plan = store.load_latest(session.id, PLAN_OWNER)
    if args.with_plan:
        if plan is None:
            message = translate("cli.nothing_saved", lang, owner=_owner_name(session, PLAN_OWNER, lang))
            print(f"note: {message}", file=sys.stderr)
        else:
            concepts.append(plan)
    site = load_site(session.site)
    result = build_consensus(concepts, site.frame, threshold=args.threshold, cluster_distance_m=args.distance)
    if args.json:
        _print_json(result.to_json())
    else:
        _print_consensus(result, session, plan, args.distance, lang)


def _print_consensus(result: Consensus, session: Session, plan: Concept | None, distance: float, lang: str) -> None:
    names = ", ".join(_owner_name(session, v, lang) for v in result.voices)
    print(f"Consensus in session {session.id} of {result.n} voices: {names}")
    print(
        f"Threshold {_num(result.threshold, lang, 2)} ({_percent(result.threshold, lang)} of the voices);"
        f" amenities cluster within {_num(distance, lang, 1)} m"
    )
    designed = float(result.areas.sum())
    print(
        f"Site {_num(result.site_area_m2, lang)} m², designed by at least one voice {_num(designed, lang)} m²"
        f" in {len(result.states)} faces"
    )
    _print_table(
        ["state", "m²", "of designed"],
        [
            [
                state,
                _num(result.area_in(state), lang),
                _percent(result.area_in(state) / designed if designed else 0, lang),
            ]
            for state in ("agreed", "contested", "single")
        ],
    )
    kappa = "— (one voice)" if result.fleiss_kappa is None else _num(result.fleiss_kappa, lang, 2)
    print(f"Fleiss' kappa (area-weighted, undesigned rest of the site included): {kappa}")
    print()
    k_of_n = result.k_of_n()
    print("Area that at least k voices give each category, m²:")
    if k_of_n:
        ks = range(1, result.n + 1)
        _print_table(
            ["category", *(f"k≥{k}" for k in ks)],
            [[_label(cid, lang), *(_num(by_k[k], lang) for k in ks)] for cid, by_k in k_of_n.items()],
        )
    else:
        print("  none")
    print()
    supported = result.supported_clusters()
    print(f"Amenity clusters backed by at least {_percent(result.threshold, lang)} of the voices: {len(supported)}")
    rows = [
        [
            _label(c.category, lang),
            f"{len(c.teams)} of {result.n}",
            _percent(c.support, lang),
            str(c.points),
            f"{c.lon:.7f}, {c.lat:.7f}",
        ]
        for c in supported
    ]
    if rows:
        _print_table(["type", "voices", "support", "points", "lon, lat (median)"], rows, align="lrrrl")
    else:
        print("  none")
    sentences = consensus_sentences(result, plan)
    if sentences:
        print()
        print("Main points:")
        for notice in sentences:
            print(f"  - {describe_finding(notice, lang)}")


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


def _check_certificate(cert: str | None, key: str | None) -> None:
    """Refuse, with the reason, a certificate Streamlit could not serve (before it starts)."""
    if (cert is None) != (key is None):
        raise CodesignError("serve.ssl_pair")
    if cert is None:
        return
    import ssl

    missing = [path for path in (cert, key) if not Path(path).is_file()]
    try:
        if missing:
            raise FileNotFoundError(2, "no such file", missing[0])
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key, password=lambda: b"")
    except ssl.SSLError as err:  # before OSError: it is one
        reason = re.sub(r"\s*\(_ssl\.c:\d+\)", "", str(err.args[-1]))  # "[X509: KEY_VALUES_MISMATCH] ..."
        raise CodesignError("serve.ssl_unusable", cert_file=cert, key_file=key, reason=reason) from None
    except OSError as err:
        reason = f"{err.filename}: {err.strerror}" if err.filename else str(err)
        raise CodesignError("serve.ssl_unusable", cert_file=cert, key_file=key, reason=reason) from None


def _run(args: argparse.Namespace, store: Store, base_url: str) -> int:
    _check_certificate(args.ssl_cert, args.ssl_key)
    scheme = "https" if args.ssl_cert else "http"
    if args.base_url is None and BASE_URL_VARIABLE not in os.environ:
        base_url = f"{scheme}://localhost:{args.port}"
    if args.ssl_cert and not base_url.startswith("https://"):
        raise CodesignError("serve.base_url_https", url=base_url)
    os.environ[BASE_URL_VARIABLE] = base_url
    secret, created = _facilitator_secret()
    print("\nTugan Qala Co-design")
    print(f"  Facilitator{' (new secret)' if created else ''}: {facilitator_link(base_url, secret)}")
    if args.demo:
        session = ensure_demo_session(store)
        print(f"  Demo session '{session.id}' (illustrative data):")
        for team in session.teams:
            print(f"    {team.name}: {join_link(base_url, session.id, team.token)}")
    print(flush=True)
    command = streamlit_command(args.port, args.address, ssl_cert=args.ssl_cert, ssl_key=args.ssl_key)
    os.execv(sys.executable, command)
    return 0  # pragma: no cover - execv does not return
