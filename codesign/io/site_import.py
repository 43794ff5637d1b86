"""Create a site folder (``data/parks/<id>/``) from a GIS file: boundary, context layers, metadata.

The boundary is the largest polygon that passes ``boundary_filter`` (default: the largest
polygon). Everything else within :data:`CONTEXT_DISTANCE_M` of it that reads as a street,
building, path, tree or water becomes ``context.geojson`` (clipped to that distance), so
the map reads without a basemap. ``site.toml`` follows ``data/parks/README.md``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from codesign.domain.geometry import MetricFrame, to_geojson_geometry
from codesign.domain.ids import check_identifier
from codesign.errors import CodesignError, ImportFormatError
from codesign.io.model import DEFAULT_LIMITS, ImportedFile, RawFeature
from codesign.io.reader import read_file

__all__ = ["CONTEXT_DISTANCE_M", "classify_context", "import_site"]

#: Context features further than this from the boundary are left out.
CONTEXT_DISTANCE_M = 300.0
_LANGUAGES = ("ru", "kk", "en")
_DECIMALS = 7
_GEOD = Geod(ellps="WGS84")
_STREETS = frozenset(
    (
        *("motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential", "service"),
        *("living_street", "road", "motorway_link", "trunk_link", "primary_link", "secondary_link", "tertiary_link"),
    )
)
_PATHS = frozenset(["footway", "path", "pedestrian", "steps", "cycleway", "bridleway", "track", "corridor"])
#: Words in a non-OSM file's layer/type attribute that name a context layer.
_LAYER_WORDS = {
    "street": ("street", "road", "улица", "дорога", "проезд", "көше"),
    "building": ("building", "здание", "дом", "строение", "ғимарат", "үй"),
    "path": ("path", "footway", "walkway", "дорожка", "тротуар", "тропа", "жаяу жол", "соқпақ"),
    "tree": ("tree", "дерево", "деревья", "ағаш"),
    "water": ("water", "river", "pond", "вода", "река", "пруд", "водоем", "водоём", "су", "өзен"),
}


def classify_context(feature: RawFeature) -> str | None:
    """The context layer (street, building, path, tree, water) a feature belongs to, if any.

    >>> from shapely.geometry import LineString, Point
    >>> classify_context(RawFeature(LineString([(0, 0), (1, 1)]), {"highway": "residential"}))
    'street'
    >>> classify_context(RawFeature(Point(0, 0), {"natural": "tree"})), classify_context(RawFeature(Point(0, 0), {}))
    ('tree', None)

    Parameters
    ----------
    feature
        A feature of the site's file (OSM tags or a layer/type attribute).

    Returns
    -------
    str or None
        The layer's name.
    """
    props = feature.properties
    kind = feature.geometry.geom_type
    lines = kind in ("LineString", "MultiLineString")
    areas = kind in ("Polygon", "MultiPolygon")
    highway = props.get("highway")
    if lines and highway in _STREETS:
        return "street"
    if lines and highway in _PATHS:
        return "path"
    if kind == "Point" and props.get("natural") == "tree":
        return "tree"
    if areas and props.get("building") not in (None, "", "no"):
        return "building"
    water = props.get("natural") == "water" or props.get("waterway") or props.get("water")
    water = water or props.get("landuse") in ("reservoir", "basin") or props.get("leisure") == "swimming_pool"
    if water and (lines or areas):
        return "water"
    for attribute in ("layer", "Layer", "type", "category"):
        text = str(props.get(attribute, "")).casefold()
        for layer, words in _LAYER_WORDS.items():
            if text and any(word in text for word in words):
                wanted = {"street": lines, "path": lines, "tree": kind == "Point", "building": areas}
                if wanted.get(layer, lines or areas):
                    return layer
    return None


def _default_zoom(boundary: BaseGeometry, frame: MetricFrame) -> int:
    """The Leaflet zoom at which the site fills about 600 px of a tablet screen."""
    minx, miny, maxx, maxy = frame.boundary.bounds
    extent = max(maxx - minx, maxy - miny, 1.0)
    metres_per_pixel_at_zoom0 = 156543.03 * math.cos(math.radians(boundary.centroid.y))
    return max(12, min(19, int(math.log2(metres_per_pixel_at_zoom0 * 600 / extent))))


def _rounded(geom: BaseGeometry) -> dict[str, Any]:
    return to_geojson_geometry(shapely.set_precision(geom, 10**-_DECIMALS))


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _toml_table(name: str, values: Mapping[str, str]) -> str:
    lines = [f"[{name}]"] + [f"{lang} = {_toml_string(values.get(lang, ''))}" for lang in _LANGUAGES]
    return "\n".join(lines)


def _site_toml(
    site_id: str,
    *,
    names: Mapping[str, str],
    city: Mapping[str, str],
    region: Mapping[str, str],
    notice: Mapping[str, str] | None,
    attribution: str,
    illustrative: bool,
    zoom: int,
    imported: ImportedFile,
) -> str:
    parts = [
        f"# Written by `python -m codesign import site` from {imported.file_name} ({imported.format},"
        f" {imported.source_crs}).",
        f"id = {_toml_string(site_id)}",
        f"illustrative = {'true' if illustrative else 'false'}",
        f"default_zoom = {zoom}",
        "",
        _toml_table("name", names),
        "",
        _toml_table("city", city),
        "",
        _toml_table("region", region),
    ]
    if notice:
        parts += [
            "",
            _toml_table("notice", notice).replace("[notice]", "[notice]   # shown on the map and in the app", 1),
        ]
    parts += ["", "[attribution]", f"text = {_toml_string(attribution)}", ""]
    return "\n".join(parts)


def _complete(values: Mapping[str, str] | None, fallback: str) -> dict[str, str]:
    values = values or {}
    first = next((v for v in (values.get(lang) for lang in _LANGUAGES) if v), fallback)
    return {lang: (values.get(lang) or first) for lang in _LANGUAGES}


def import_site(
    data: bytes,
    file_name: str,
    site_id: str,
    *,
    names: Mapping[str, str] | None = None,
    boundary_filter: Callable[[RawFeature], bool] | None = None,
    parks_root: Path | None = None,
    city: Mapping[str, str] | None = None,
    region: Mapping[str, str] | None = None,
    notice: Mapping[str, str] | None = None,
    attribution: str | None = None,
    illustrative: bool = False,
    overwrite: bool = False,
    crs: str | None = None,
) -> Path:
    """Create ``<parks_root>/<site_id>/`` (default ``data/parks``) from a GIS file.

    Writes ``site.toml`` (names in ru/kk/en, default zoom, ``illustrative``, attribution,
    optional notice), ``site.geojson`` (the boundary) and ``context.geojson``. Refuses an
    existing site unless ``overwrite``; writes into a temporary folder first, checks that it
    loads, then moves it into place, so a failure leaves nothing behind.

    Parameters
    ----------
    data, file_name
        The file (any format :func:`codesign.io.read_file` reads) and its name.
    site_id
        The new site's id, the folder's name.
    names
        The site's name by language (missing ones: the first given, the boundary's ``name``, ``site_id``).
    boundary_filter
        Which polygons may be the boundary (the largest of them is); ``None`` for all.
    parks_root
        The sites folder; ``None`` for the configured one.
    city, region, notice
        The city's and the region's names, and a notice shown with the map, by language.
    attribution
        Shown on the map; ``None`` for OpenStreetMap's (OSM data) or the file's name.
    illustrative, overwrite
        Whether the data only stands in for the real site; whether an existing site is replaced.
    crs
        The file's coordinate system when it names none, e.g. ``EPSG:32643``.

    Returns
    -------
    Path
        The site's folder.
    """
    from codesign.domain.site import parks_dir

    check_identifier(site_id, "site")
    root = Path(parks_root) if parks_root is not None else parks_dir()
    target = root / site_id
    if target.exists() and not overwrite:
        raise CodesignError("import.site_exists", site_id=site_id)
    imported = read_file(data, file_name, crs=crs, limits=DEFAULT_LIMITS)
    boundary_feature, boundary = _boundary(imported, boundary_filter)
    frame = MetricFrame.from_boundary(boundary)
    names = _complete(names, str(boundary_feature.properties.get("name") or site_id))
    context = _context_features(imported, boundary_feature, frame)
    toml = _site_toml(
        site_id,
        names=names,
        city=_complete(city, ""),
        region=_complete(region, ""),
        notice=_complete(notice, "") if notice else None,
        attribution=attribution or _default_attribution(imported),
        illustrative=illustrative,
        zoom=_default_zoom(boundary, frame),
        imported=imported,
    )
    site = {"type": "Feature", "geometry": _rounded(boundary), "properties": {"id": site_id, "name": names["ru"]}}
    files = {"site.toml": toml, "site.geojson": _dump_collection([site]), "context.geojson": _dump_collection(context)}
    _write_site_folder(root, site_id, files)
    return target


def _default_attribution(imported: ImportedFile) -> str:
    """OpenStreetMap's attribution for OSM data, else the file's name."""
    return (
        "© OpenStreetMap contributors, ODbL 1.0" if "osm_tag" in imported.attributes else f"Data: {imported.file_name}"
    )


def _boundary(
    imported: ImportedFile, boundary_filter: Callable[[RawFeature], bool] | None
) -> tuple[RawFeature, BaseGeometry]:
    """The largest polygon that passes the filter, and its geometry made valid, rounded and counter-clockwise."""
    candidates = [
        f
        for f in imported.features
        if f.geometry.geom_type in ("Polygon", "MultiPolygon") and (boundary_filter is None or boundary_filter(f))
    ]
    if not candidates:
        raise ImportFormatError("import.no_boundary")
    boundary_feature = max(candidates, key=lambda f: abs(_GEOD.geometry_area_perimeter(f.geometry)[0]))
    boundary = boundary_feature.geometry
    if not boundary.is_valid:
        boundary = shapely.make_valid(boundary)
        boundary = shapely.union_all([p for p in shapely.get_parts(boundary) if p.geom_type == "Polygon"])
    boundary = shapely.orient_polygons(shapely.set_precision(boundary, 10**-_DECIMALS), exterior_cw=False)
    return boundary_feature, boundary


def _write_site_folder(root: Path, site_id: str, files: Mapping[str, str]) -> None:
    """Write the files into a temporary folder, check it loads as a site, then put it in place of ``root/site_id``."""
    from codesign.domain.site import _load_site

    target = root / site_id
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_id}-", dir=root))
    staging.chmod(0o755)  # mkdtemp makes it private; a site folder is ordinary data
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        _load_site.__wrapped__(staging, site_id)  # must load as a site before it replaces anything
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{site_id}-old-", dir=root))
            os.replace(target, old / site_id)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    _load_site.cache_clear()


def _context_features(imported: ImportedFile, boundary_feature: RawFeature, frame: MetricFrame) -> list[dict]:
    area = frame.boundary.buffer(CONTEXT_DISTANCE_M)
    shapely.prepare(area)
    result: list[dict[str, Any]] = []
    for feature in imported.features:
        if feature is boundary_feature:
            continue
        layer = classify_context(feature)
        if layer is None:
            continue
        metric = frame.to_metric(feature.geometry)
        if not area.intersects(metric):
            continue
        if not area.contains(metric):
            metric = shapely.intersection(metric, area)
            single = feature.geometry.geom_type.replace("Multi", "")
            parts = [p for p in shapely.get_parts(metric) if p.geom_type == single]
            if not parts:
                continue
            multi = shapely.MultiPolygon if single == "Polygon" else shapely.MultiLineString
            metric = parts[0] if len(parts) == 1 else multi(parts)
        geom = frame.to_lonlat(metric)
        if geom.is_empty:
            continue
        name = feature.properties.get("name")
        result.append(
            {
                "type": "Feature",
                "geometry": to_geojson_geometry(geom),
                "properties": {"layer": layer, "name": str(name) if name else None},
            }
        )
    order = {"water": 0, "building": 1, "street": 2, "path": 3, "tree": 4}
    result.sort(key=lambda f: order[f["properties"]["layer"]])
    return result


def _dump_collection(features: list[dict[str, Any]]) -> str:
    """Compact JSON, one feature per line (small files, readable diffs), like the Aksu site."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
