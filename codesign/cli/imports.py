"""``import plan|concept|site``: GIS/CAD files into a session, or into a new site folder.

    python -m codesign import plan SESSION FILE [--crs EPSG:N] [--attribute NAME] [--map VALUE=CATEGORY ...]
    python -m codesign import concept SESSION TEAM FILE [same options]
    python -m codesign import site SITE_ID FILE [--name-ru ...] [--name-kk ...] [--name-en ...] [--where KEY=VALUE]

What was read, how each value was mapped, and every feature left out or changed is printed.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from codesign.domain.notices import Notice
from codesign.domain.session import PLAN_OWNER
from codesign.domain.site import load_site
from codesign.domain.taxonomy import category
from codesign.errors import ImportFormatError
from codesign.i18n import LANGUAGES, translate
from codesign.storage.base import Store

if TYPE_CHECKING:
    from codesign.io import ImportedFile, ImportResult, MappingSuggestion, RawFeature

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``import plan|concept|site`` to the command line.

    Parameters
    ----------
    sub
        The top-level subcommands.
    """
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
        parser.set_defaults(handler=_import_concept)
    _add_site_command(isub)


def _add_site_command(isub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    site.set_defaults(handler=_import_site)


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
    _print_left_out(result, lang)


def _print_left_out(result: ImportResult, lang: str) -> None:
    """The features not imported (unmapped, rejected) and those changed on import."""
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


def _import_site(args: argparse.Namespace, _store: Store) -> None:
    """``import site``: a new folder in the sites folder (the session store is not involved)."""
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
