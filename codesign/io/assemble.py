"""GDAL's layers as one imported file: format quirks undone, parts split, totals checked, lon/lat.

The steps, in order: the layers with features are merged (each feature keeps its layer's name
as a property when there are several); each format's quirks are undone (OSM ``other_tags``
expanded, KML display settings dropped, DXF annotations skipped and UTF-8 read as a code page
restored); geometry collections and multi-points are split into parts, empty geometries skipped
(each step with a notice); the totals are checked against the limits and Z is dropped; each
layer is placed in WGS84 (:func:`codesign.io.coordinates.place`), and all of them together are
checked to lie near the site; OSM-tagged features get an ``osm_tag`` attribute.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from codesign.domain.notices import Notice
from codesign.errors import ImportFormatError
from codesign.io.coordinates import check_near_site, place
from codesign.io.mapping import rank_attributes
from codesign.io.model import ImportedFile, ImportLimits, RawFeature

if TYPE_CHECKING:
    from codesign.domain.site import Site

__all__ = ["OSM_MAIN_KEYS", "OSM_TAG_ATTRIBUTE", "Layer", "assemble"]

#: The synthetic attribute holding an OSM feature's main tag, e.g. ``leisure=playground``.
OSM_TAG_ATTRIBUTE = "osm_tag"
#: OSM keys that say what a feature is, in the order they win for :data:`OSM_TAG_ATTRIBUTE`.
OSM_MAIN_KEYS = (
    "leisure",
    "amenity",
    "highway",
    "natural",
    "landuse",
    "tourism",
    "historic",
    "man_made",
    "waterway",
    "water",
    "shop",
    "sport",
    "barrier",
    "place",
    "building",
)
#: Display settings GDAL's LIBKML driver adds to every KML feature: never a category.
_KML_DISPLAY_FIELDS = frozenset(("tessellate", "extrude", "visibility", "drawOrder", "altitudeMode", "icon"))
_HSTORE_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')


@dataclass
class Layer:
    """One layer as GDAL read it: geometries (None where missing), attribute rows, reported CRS."""

    name: str
    geometries: np.ndarray
    rows: list[dict[str, Any]]
    crs: str | None


@dataclass
class _Group:
    """One layer's features once split into parts, before they are placed in WGS84."""

    crs: str | None
    geometries: list[BaseGeometry]
    properties: list[dict[str, Any]]


def assemble(
    name: str,
    fmt: str,
    layers: list[Layer],
    notices: list[Notice],
    *,
    crs: str | None,
    site: Site | None,
    limits: ImportLimits,
    wgs84: bool,
) -> ImportedFile:
    """The imported file from the layers GDAL read (the steps are in the module's docstring).

    Parameters
    ----------
    name
        The upload's file name.
    fmt
        The format, one of :data:`codesign.io.FORMATS`.
    layers
        The layers as read, in the file's order.
    notices
        The notices so far; the assembling's own are added to it.
    crs
        The coordinate system the user gave, overriding the file's; ``None`` for the file's own.
    site
        The site the features should lie near, if known.
    limits
        ``max_features`` and ``max_vertices`` bound the features after splitting.
    wgs84
        Whether the format is WGS84 when it names no coordinate system (GeoJSON, KML).

    Returns
    -------
    ImportedFile
        The features in lon/lat with their attributes, ranked, and every notice.
    """
    with_features = [layer for layer in layers if len(layer.geometries)]
    merged = len(with_features) > 1
    if merged:
        names = ", ".join(layer.name for layer in with_features)
        notices.append(Notice("import.layers_merged", {"count": len(with_features), "names": names[:200]}))
    skipped: Counter[str] = Counter()
    groups = [_Group(layer.crs, *_layer_parts(layer, fmt, merged, skipped)) for layer in with_features]
    for what, key in _SKIPPED_NOTICES:
        if skipped[what]:
            notices.append(Notice(key, {"count": skipped[what]}))
    arrays = _checked_arrays(groups, limits, notices)
    features, labels = _placed(groups, arrays, notices, crs=crs, site=site, wgs84=wgs84)
    if site is not None:  # all layers together: one far layer among near ones is the build step's business
        check_near_site(np.asarray([f.geometry for f in features], dtype=object), site, ", ".join(labels))
    _add_osm_tag(features, fmt)
    return ImportedFile(
        file_name=name,
        format=fmt,
        source_crs=", ".join(labels),
        features=tuple(features),
        notices=tuple(notices),
        attributes=rank_attributes(features),
    )


#: What :func:`_layer_parts` counts, and the notice that reports it, in the order they are reported.
_SKIPPED_NOTICES = (
    ("annotations", "import.dxf_annotations_skipped"),
    ("empty", "import.skipped_empty"),
    ("split", "import.parts_split"),
)


def _layer_parts(
    layer: Layer, fmt: str, merged: bool, skipped: Counter[str]
) -> tuple[list[BaseGeometry], list[dict[str, Any]]]:
    """A layer's geometries split into parts, each with its feature's cleaned attributes.

    Counts into ``skipped`` the DXF annotations and empty geometries left out and the features split.
    """
    geometries: list[BaseGeometry] = []
    properties: list[dict[str, Any]] = []
    for geom, row in zip(layer.geometries, layer.rows, strict=True):
        props = _without_quirks(row, geom, fmt)
        if props is None:
            skipped["annotations"] += 1
            continue
        if merged:
            props["source_layer" if "layer" in props else "layer"] = layer.name
        parts = _parts(geom)
        if not parts:
            skipped["empty"] += 1
            continue
        if len(parts) > 1:
            skipped["split"] += 1
        for part in parts:
            geometries.append(part)
            properties.append(dict(props) if len(parts) > 1 else props)
    return geometries, properties


def _without_quirks(props: dict[str, Any], geom: BaseGeometry | None, fmt: str) -> dict[str, Any] | None:
    """The attributes as the file meant them; None for a DXF annotation (paper space or a text point)."""
    if fmt == "OSM" and isinstance(props.get("other_tags"), str):
        tags = _osm_tags(props.pop("other_tags"))
        props.update({k: v for k, v in tags.items() if k not in props})
    elif fmt in ("KML", "KMZ"):
        for field_name in _KML_DISPLAY_FIELDS.intersection(props):
            del props[field_name]
    elif fmt == "DXF":
        if props.get("PaperSpace") in (True, 1) or (props.get("Text") and _is_point(geom)):
            return None
        props = {k: _utf8_from_latin(v) if isinstance(v, str) else v for k, v in props.items()}
    return props


def _checked_arrays(groups: list[_Group], limits: ImportLimits, notices: list[Notice]) -> list[np.ndarray]:
    """Each group's geometries as an array, once the totals are within the limits; Z dropped (with a notice)."""
    count = sum(len(group.geometries) for group in groups)
    if count == 0:
        raise ImportFormatError("import.empty")
    if count > limits.max_features:
        raise ImportFormatError("import.too_many_features", count=count, limit=limits.max_features)
    arrays = [np.asarray(group.geometries, dtype=object) for group in groups]
    vertices = int(sum(shapely.get_num_coordinates(a).sum() for a in arrays))
    if vertices > limits.max_vertices:
        raise ImportFormatError("import.too_many_vertices", limit=limits.max_vertices)
    if any(shapely.has_z(a).any() for a in arrays):
        arrays = [shapely.force_2d(a) for a in arrays]
        notices.append(Notice("import.z_dropped"))
    return arrays


def _placed(
    groups: list[_Group],
    arrays: list[np.ndarray],
    notices: list[Notice],
    *,
    crs: str | None,
    site: Site | None,
    wgs84: bool,
) -> tuple[list[RawFeature], list[str]]:
    """Every group placed in lon/lat by its own CRS (or ``crs``); the features and the CRS labels met."""
    features: list[RawFeature] = []
    labels: list[str] = []
    for group, array in zip(groups, arrays, strict=True):
        if not len(array):
            continue
        placed = place(
            array, file_crs=group.crs, user_crs=crs, site=site, wgs84_by_default=wgs84, check_site_distance=False
        )
        _extend_unique(notices, placed.notices)
        if placed.source_crs not in labels:
            labels.append(placed.source_crs)
        features.extend(RawFeature(g, p) for g, p in zip(placed.geometries, group.properties, strict=True))
    return features, labels


def _utf8_from_latin(text: str) -> str:
    r"""Undo UTF-8 text read as a one-byte code page (DXF files that say ANSI_1252 but hold UTF-8).

    >>> _utf8_from_latin("Ð\x9eÐ·ÐµÐ»ÐµÐ½ÐµÐ½Ð¸Ðµ"), _utf8_from_latin("Café"), _utf8_from_latin("Газон")
    ('Озеленение', 'Café', 'Газон')
    """
    if text.isascii():
        return text
    raw = bytearray()
    for char in text:
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                return text  # real non-Latin text, not mojibake
            raw.append(ord(char))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


def _osm_tags(text: str) -> dict[str, str]:
    r"""GDAL's ``other_tags`` hstore string as a dict.

    >>> _osm_tags('"amenity"=>"bench","name"=>"say \\"hi\\""')
    {'amenity': 'bench', 'name': 'say "hi"'}
    """

    def unescape(s: str) -> str:
        return s.replace('\\"', '"').replace("\\\\", "\\")

    return {unescape(k): unescape(v) for k, v in _HSTORE_PAIR.findall(text)}


def _parts(geom: BaseGeometry | None) -> list[BaseGeometry]:
    """A geometry as the parts a concept can hold (collections and multi-points split)."""
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, shapely.GeometryCollection | shapely.MultiPoint):
        return [part for sub in geom.geoms for part in _parts(sub)]
    if isinstance(geom, shapely.LinearRing):
        return [shapely.LineString(geom.coords)]
    if isinstance(geom, shapely.MultiPolygon):  # kept whole, without its empty members
        polygons = [g for g in geom.geoms if not g.is_empty]
        return [geom if len(polygons) == len(geom.geoms) else shapely.MultiPolygon(polygons)] if polygons else []
    if isinstance(geom, shapely.MultiLineString):
        lines = [g for g in geom.geoms if not g.is_empty]
        return [geom if len(lines) == len(geom.geoms) else shapely.MultiLineString(lines)] if lines else []
    return [geom]


def _is_point(geom: BaseGeometry | None) -> bool:
    return geom is not None and geom.geom_type in ("Point", "MultiPoint")


def _extend_unique(notices: list[Notice], new: Iterable[Notice]) -> None:
    for notice in new:
        if notice not in notices:
            notices.append(notice)


def _add_osm_tag(features: list[RawFeature], fmt: str) -> None:
    """Give OSM-tagged features an ``osm_tag`` attribute (``leisure=playground``) to categorise by."""
    looks_osm = fmt == "OSM" or any(
        "@id" in f.properties or "osm_id" in f.properties or "leisure" in f.properties or "amenity" in f.properties
        for f in features
    )
    if not looks_osm:
        return
    for feature in features:
        props = feature.properties
        if OSM_TAG_ATTRIBUTE in props:
            continue
        for key in OSM_MAIN_KEYS:
            value = props.get(key)
            if isinstance(value, str) and value and value != "no":
                props[OSM_TAG_ATTRIBUTE] = f"{key}={value}"
                break
