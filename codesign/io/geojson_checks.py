"""Checks on the raw JSON of a GeoJSON upload, before GDAL or shapely see it.

shapely silently closes unclosed rings and accepts 3-position rings, Python's ``json``
accepts ``NaN`` and duplicate keys, and GDAL reads many malformed files "somehow". Each
problem here becomes an :class:`~codesign.errors.ImportFormatError` whose key names it
and, where it helps, the feature number (1-based).

>>> parse_geojson(b'{"type": "Point", "coordinates": [76.93, 52.03]}').vertices
1
>>> parse_geojson(b'{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}')  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
codesign.errors.ImportFormatError: Feature 1: a ring is not closed (its last position must repeat the first). ...
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from codesign.domain.notices import Notice
from codesign.errors import ImportFormatError
from codesign.io.model import DEFAULT_LIMITS, ImportLimits

__all__ = ["GEOMETRY_TYPES", "ParsedGeoJSON", "parse_geojson"]

UTF8_BOM = b"\xef\xbb\xbf"
#: GeoJSON geometry types (except GeometryCollection) and how deeply their positions nest.
GEOMETRY_TYPES = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
_ALL_TYPES = ("FeatureCollection", "Feature", "GeometryCollection", *GEOMETRY_TYPES)
#: Members RFC 7946 §7.1 forbids on each kind of object (they would change its meaning).
_FORBIDDEN_MEMBERS = {
    "FeatureCollection": ("coordinates", "geometries", "geometry"),
    "Feature": ("coordinates", "geometries", "features"),
    "geometry": ("geometry", "properties", "features"),
}
#: GeometryCollections nested deeper than this are refused (RFC 7946 advises against nesting at all).
_MAX_COLLECTION_DEPTH = 8
#: The ``crs`` names GDAL resolves from its own tables (GeoJSON 2008): EPSG codes and OGC URNs/URLs.
#: Anything else (a file name, a URL to fetch, WKT, a PROJ string) is refused: GDAL would read it.
_CRS_NAME = re.compile(
    r"(?:EPSG:\d{1,6}|urn:ogc:def:crs:[A-Za-z]{1,10}:[\w.]{0,10}:[\w.]{1,20}"
    r"|https?://www\.opengis\.net/def/crs/[A-Za-z]{1,10}/[\w.]{1,10}/[\w.]{1,20})",
    re.IGNORECASE,
)


@dataclass
class ParsedGeoJSON:
    """The parsed object, the bytes to hand to GDAL (BOM removed), and what we noticed."""

    data: Any
    clean_bytes: bytes
    features: int = 0
    vertices: int = 0
    notices: list[Notice] = field(default_factory=list)

    @property
    def codesign_concept(self) -> bool:
        """Whether the file is a Tugan Qala concept (has the ``codesign`` foreign member).

        Returns
        -------
        bool
            True for a file this tool exported.
        """
        meta = self.data.get("codesign") if isinstance(self.data, dict) else None
        return isinstance(meta, dict) and str(meta.get("format", "")).startswith("codesign-concept/")


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


class _NonFinite(Exception):
    pass


def _pairs_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise _NonFinite(name)


def _json_type(value: Any) -> str:
    """How JSON calls the type of ``value`` (for messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)[:42]
    return "array" if isinstance(value, list) else "object"


def parse_geojson(data: bytes, limits: ImportLimits = DEFAULT_LIMITS) -> ParsedGeoJSON:
    """Decode and check a GeoJSON upload; raise :class:`ImportFormatError` naming the first problem.

    Parameters
    ----------
    data
        The file.
    limits
        Features and vertices are counted against these.

    Returns
    -------
    ParsedGeoJSON
        The parsed object, the bytes for GDAL and the notices.
    """
    notices: list[Notice] = []
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        notices.append(Notice("import.bom_removed"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFormatError("import.not_utf8")
    # Parsing builds a Python list per position (``[0,0]`` costs 80 bytes for 6 in the file): count
    # the brackets on the raw bytes first. Every position has one; rings, lines and the rest add
    # far fewer than one per position, so twice the vertex limit is more than the limit allows.
    if data.count(b"[") > 2 * limits.max_vertices:
        raise ImportFormatError("import.too_many_vertices", limit=limits.max_vertices)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportFormatError("import.not_utf8") from None
    try:
        obj = json.loads(text, object_pairs_hook=_pairs_without_duplicates, parse_constant=_refuse_constant)
    except json.JSONDecodeError as err:
        raise ImportFormatError("import.json_syntax", line=err.lineno, column=err.colno) from None
    except _DuplicateKey as err:
        raise ImportFormatError("import.duplicate_key", member=err.key[:40]) from None
    except _NonFinite:
        raise ImportFormatError("import.non_finite") from None
    except RecursionError:
        raise ImportFormatError("import.too_deep") from None
    parsed = ParsedGeoJSON(data=obj, clean_bytes=data, notices=notices)
    _Checker(parsed, limits).root(obj)
    return parsed


class _Checker:
    """Walks the parsed JSON once: structure, types, positions, rings, counts.

    Parameters
    ----------
    parsed
        Where the counts are kept.
    limits
        The limits the counts are checked against.
    """

    def __init__(self, parsed: ParsedGeoJSON, limits: ImportLimits) -> None:
        self.parsed = parsed
        self.limits = limits

    # ------------------------------------------------------------------ objects
    def root(self, obj: Any) -> None:
        if not isinstance(obj, dict):
            raise ImportFormatError("import.not_geojson", found=_json_type(obj))
        kind = self._type_of(obj)
        if "crs" in obj:  # GDAL reads it on the root, on features and on geometries: checked on each
            _check_crs(obj["crs"])
        if kind == "FeatureCollection":
            self._forbidden(obj, kind)
            self._bbox(obj)
            features = obj.get("features")
            if not isinstance(features, list):
                raise ImportFormatError("import.bad_member", member="features")
            if len(features) > self.limits.max_features:
                raise ImportFormatError("import.too_many_features", count=len(features), limit=self.limits.max_features)
            self.parsed.features = len(features)
            for index, feature in enumerate(features, start=1):
                self.feature(feature, index)
        elif kind == "Feature":
            self.parsed.features = 1
            self.feature(obj, 1)
        else:
            self.parsed.features = 1
            self.geometry(obj, 1, 0)

    def _type_of(self, obj: dict[str, Any]) -> str:
        kind = obj.get("type")
        if isinstance(kind, str) and kind in _ALL_TYPES:
            return kind
        if isinstance(kind, str):
            for known in _ALL_TYPES:
                if kind.casefold() == known.casefold():
                    raise ImportFormatError("import.type_case", found=kind[:40], expected=known)
        raise ImportFormatError("import.not_geojson", found=_json_type(kind) if "type" in obj else "—")

    def _forbidden(self, obj: dict[str, Any], kind: str) -> None:
        for member in _FORBIDDEN_MEMBERS[kind]:
            if member in obj:
                raise ImportFormatError("import.misplaced_member", member=member, type=obj.get("type"))

    def _bbox(self, obj: dict[str, Any]) -> None:
        if "bbox" not in obj:
            return
        bbox = obj["bbox"]
        if not (
            isinstance(bbox, list)
            and len(bbox) in (4, 6)
            and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in bbox)
        ):
            raise ImportFormatError("import.bad_bbox")

    def feature(self, feature: Any, index: int) -> None:
        if not isinstance(feature, dict):
            raise ImportFormatError("import.bad_feature", index=index)
        kind = feature.get("type")
        if kind != "Feature":
            if isinstance(kind, str) and kind.casefold() == "feature":
                raise ImportFormatError("import.type_case", found=kind[:40], expected="Feature")
            raise ImportFormatError("import.bad_feature", index=index)
        self._forbidden(feature, "Feature")
        self._bbox(feature)
        if "crs" in feature:
            _check_crs(feature["crs"])
        if "geometry" not in feature:
            raise ImportFormatError("import.bad_feature_member", index=index, member="geometry")
        properties = feature.get("properties")  # a missing "properties" has only one reading: none
        if properties is not None and not isinstance(properties, dict):
            raise ImportFormatError("import.bad_feature_member", index=index, member="properties")
        if "id" in feature:
            fid = feature["id"]
            if isinstance(fid, bool) or not isinstance(fid, str | int | float):
                raise ImportFormatError("import.bad_feature_member", index=index, member="id")
        if feature["geometry"] is not None:
            self.geometry(feature["geometry"], index, 0)

    def geometry(self, geometry: Any, index: int, depth: int) -> None:
        if depth > _MAX_COLLECTION_DEPTH:
            raise ImportFormatError("import.too_deep")
        if not isinstance(geometry, dict):
            raise ImportFormatError("import.geometry_type", index=index, type=_json_type(geometry))
        kind = geometry.get("type")
        if "crs" in geometry:
            _check_crs(geometry["crs"])
        if kind == "GeometryCollection":
            self._forbidden(geometry, "geometry")
            self._bbox(geometry)
            members = geometry.get("geometries")
            if not isinstance(members, list):
                raise ImportFormatError("import.bad_feature_member", index=index, member="geometries")
            for member in members:
                self.geometry(member, index, depth + 1)
            return
        if kind not in GEOMETRY_TYPES:
            if isinstance(kind, str):
                for known in GEOMETRY_TYPES:
                    if kind.casefold() == known.casefold():
                        raise ImportFormatError("import.type_case", found=kind[:40], expected=known)
            raise ImportFormatError("import.geometry_type", index=index, type=_json_type(kind))
        self._forbidden(geometry, "geometry")
        self._bbox(geometry)
        if "coordinates" not in geometry:
            raise ImportFormatError("import.bad_feature_member", index=index, member="coordinates")
        self._coordinates(kind, geometry["coordinates"], index)

    # ------------------------------------------------------------------ positions
    def _coordinates(self, kind: str, coords: Any, index: int) -> None:
        if not isinstance(coords, list):
            raise ImportFormatError("import.bad_coordinates", index=index)
        if not _has_position(coords, GEOMETRY_TYPES[kind]):
            return  # RFC 7946 §3.1: empty coordinates may be read as a null geometry (skipped later)
        if kind == "Point":
            self._position(coords, index)
            self._count(1)
        elif kind == "MultiPoint":
            self._line(coords, index, minimum=1)
        elif kind == "LineString":
            self._line(coords, index, minimum=2)
        elif kind == "MultiLineString":
            for line in self._list(coords, index):
                self._line(line, index, minimum=2)
        elif kind == "Polygon":
            for ring in self._list(coords, index):
                self._ring(ring, index)
        else:
            for polygon in self._list(coords, index):
                for ring in self._list(polygon, index):
                    self._ring(ring, index)

    @staticmethod
    def _list(value: Any, index: int) -> list[Any]:
        if not isinstance(value, list):
            raise ImportFormatError("import.bad_coordinates", index=index)
        return value

    @staticmethod
    def _position(position: Any, index: int) -> None:
        _Checker._positions([position], index)

    @staticmethod
    def _positions(positions: list[Any], index: int) -> None:
        """Each position is a list of 2 or 3 finite numbers (the hot loop: kept flat)."""
        isfinite = math.isfinite
        for position in positions:
            if type(position) is not list or not 2 <= len(position) <= 3:
                raise ImportFormatError("import.bad_coordinates", index=index)
            for value in position:
                kind = type(value)
                if kind is not float and kind is not int:  # bool is neither
                    raise ImportFormatError("import.bad_coordinates", index=index)
                if not isfinite(value):
                    raise ImportFormatError("import.non_finite")

    def _line(self, line: Any, index: int, minimum: int) -> None:
        positions = self._list(line, index)
        self._positions(positions, index)
        if len(positions) < minimum:
            raise ImportFormatError("import.short_line", index=index, count=len(positions))
        self._count(len(positions))

    def _ring(self, ring: Any, index: int) -> None:
        positions = self._list(ring, index)
        self._positions(positions, index)
        if len(positions) < 4:
            raise ImportFormatError("import.short_ring", index=index, count=len(positions))
        if positions[0][:2] != positions[-1][:2]:
            raise ImportFormatError("import.unclosed_ring", index=index)
        self._count(len(positions))

    def _count(self, vertices: int) -> None:
        self.parsed.vertices += vertices
        if self.parsed.vertices > self.limits.max_vertices:
            raise ImportFormatError("import.too_many_vertices", limit=self.limits.max_vertices)


def _has_position(coords: Any, depth: int) -> bool:
    """Whether nested ``coords`` holds anything at all at position level (``[]``, ``[[]]`` do not)."""
    if depth == 0:
        return bool(coords) if isinstance(coords, list) else True
    if not isinstance(coords, list):
        return True  # malformed: let the detailed check name it
    return any(_has_position(c, depth - 1) for c in coords)


def _check_crs(crs: Any) -> None:
    """Accept a GeoJSON 2008 ``crs`` member that names an EPSG code; refuse links, paths and the rest.

    >>> _check_crs({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32643"}})
    >>> _check_crs({"type": "link", "properties": {"href": "http://example.org/crs"}})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    codesign.errors.ImportFormatError: The file's coordinate system ("crs": link) is not an EPSG code...
    """
    if crs is None:
        return
    properties = crs.get("properties") if isinstance(crs, dict) else None
    kind = crs.get("type") if isinstance(crs, dict) else None
    if isinstance(properties, dict):
        name, code = properties.get("name"), properties.get("code")
        if kind == "name" and isinstance(name, str) and _CRS_NAME.fullmatch(name):
            return
        if kind == "EPSG" and isinstance(code, int) and not isinstance(code, bool) and 0 < code < 1_000_000:
            return
    shown = kind if isinstance(kind, str) else _json_type(crs)
    raise ImportFormatError("import.geojson_crs", crs=shown[:40])
