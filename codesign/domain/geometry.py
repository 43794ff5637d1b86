"""Check, repair and measure drawn shapes against a site, in the site's metric CRS.

Everything that comes from a browser or a file is checked on the raw GeoJSON first
(shapely silently closes open rings and accepts 3-position rings), then repaired with
:func:`shapely.make_valid`, clipped to the site boundary and measured in metres.

>>> from shapely.geometry import box
>>> site = MetricFrame.from_boundary(box(76.93, 52.03, 76.94, 52.04))
>>> site.crs.to_epsg()
32643
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from codesign.domain.notices import Notice
from codesign.domain.snapping import snap_to_neighbours
from codesign.domain.taxonomy import Kind, geometry_kind
from codesign.errors import InvalidGeometryError

__all__ = [
    "MAX_SHAPE_VERTICES",
    "MIN_PATH_LENGTH_M",
    "MIN_ZONE_AREA_M2",
    "CleanShape",
    "MetricFrame",
    "check_raw_geometry",
    "clean_shape",
    "count_positions",
    "to_geojson_geometry",
    "two_d_geometry",
]

MIN_ZONE_AREA_M2 = 1.0
MIN_PATH_LENGTH_M = 1.0
#: Clipping that removes less than this (m² for zones, m for paths) is not reported.
_CLIP_TOLERANCE = 0.05
#: Snapping that moves nothing by this much (metres) is not reported.
_SNAP_REPORTED_M = 0.01
#: Decimal places kept for lon/lat: 1e-7 degrees is about 1 cm.
COORDINATE_DECIMALS = 7
#: Most positions (vertices, a ring's closing one included) one shape may have, drawn, imported or
#: stored. A zone drawn by hand on a tablet has under 100 (one per tap); the most detailed park
#: polygons in real OpenStreetMap extracts here have under 100 (Philadelphia's parks: 82; Three
#: Rivers: 56) and a district boundary 173, so 5,000 leaves room for CAD and surveyed outlines.
#: Repairing and clipping costs about quadratic time in the vertices of a jagged shape: 0.15 s at
#: 5,000, but 140 s at 200,000 (measured, bench/sketch_bench.py). Bigger shapes are refused from
#: their list lengths alone, before any number is read or shapely sees them.
MAX_SHAPE_VERTICES = 5_000


class MetricFrame:
    """A site's boundary with the UTM CRS derived from it and the transformers to it.

    The CRS is estimated from the boundary (``estimate_utm_crs``, see :meth:`from_boundary`),
    never hard-coded.

    Parameters
    ----------
    boundary_lonlat
        The site's boundary in WGS84 lon/lat.
    crs
        The metric (UTM) CRS of the site.
    """

    def __init__(self, boundary_lonlat: BaseGeometry, crs: CRS) -> None:
        self.crs = crs
        self._to_metric = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self._to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        self.boundary_lonlat = boundary_lonlat
        self.boundary = self.to_metric(boundary_lonlat)
        shapely.prepare(self.boundary)
        self.area_m2 = float(self.boundary.area)

    @classmethod
    def from_boundary(cls, boundary_lonlat: BaseGeometry) -> MetricFrame:
        """Derive the UTM zone from the boundary's location (offline, via pyproj).

        Parameters
        ----------
        boundary_lonlat
            The site's boundary in WGS84 lon/lat.

        Returns
        -------
        MetricFrame
            The frame in the boundary's UTM zone.
        """
        import geopandas

        crs = geopandas.GeoSeries([boundary_lonlat], crs="EPSG:4326").estimate_utm_crs()
        return cls(boundary_lonlat, CRS.from_user_input(crs))

    @overload
    def to_metric(self, geom: BaseGeometry) -> BaseGeometry: ...

    @overload
    def to_metric(self, geom: np.ndarray) -> np.ndarray: ...

    def to_metric(self, geom: BaseGeometry | np.ndarray) -> BaseGeometry | np.ndarray:
        """Lon/lat -> metres (vectorised over all coordinates).

        Parameters
        ----------
        geom
            A geometry in WGS84 lon/lat, or an array of them.

        Returns
        -------
        BaseGeometry or numpy.ndarray
            The same geometry (or array) in the site's metres.
        """
        return shapely.transform(geom, self._transform_to_metric)

    def to_lonlat(self, geom: BaseGeometry) -> BaseGeometry:
        """Metres -> lon/lat on a 1e-7 degree grid (about 1 cm), still valid after rounding.

        Snap-rounding (``set_precision``) keeps polygons valid where plain rounding could
        fold a thin spike or hole onto itself.

        Parameters
        ----------
        geom
            A geometry in the site's metres.

        Returns
        -------
        BaseGeometry
            The same geometry in WGS84 lon/lat.
        """
        out = shapely.transform(geom, self._transform_to_lonlat)
        if out.is_empty:
            return out
        try:
            return shapely.set_precision(out, 10.0**-COORDINATE_DECIMALS)
        except shapely.errors.GEOSException:  # rare topology failures: round, then repair
            rounded = shapely.transform(out, lambda c: np.round(c, COORDINATE_DECIMALS))
            return rounded if rounded.is_valid else shapely.make_valid(rounded)

    def _transform_to_metric(self, coords: np.ndarray) -> np.ndarray:
        x, y = self._to_metric.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    def _transform_to_lonlat(self, coords: np.ndarray) -> np.ndarray:
        x, y = self._to_lonlat.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])


@dataclass(frozen=True)
class CleanShape:
    """A shape ready to keep: lon/lat geometry, its metric twin, figures, notices."""

    kind: Kind
    geometry: BaseGeometry  # lon/lat, RFC 7946 orientation
    metric: BaseGeometry  # metres in the site CRS
    notices: tuple[Notice, ...] = ()

    @property
    def area_m2(self) -> float:
        """Area in m² (0 for paths and amenities).

        Returns
        -------
        float
            Square metres.
        """
        return float(self.metric.area)

    @property
    def length_m(self) -> float:
        """Length in m (perimeter for zones).

        Returns
        -------
        float
            Metres.
        """
        return float(self.metric.length)


def _finite(value: Any) -> bool:
    """A JSON number that is a finite float (huge integers and NaN are not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _positions_ok(coords: Any, depth: int) -> bool:
    """Whether ``coords`` is a nested list of finite [x, y(, z)] numbers, ``depth`` deep."""
    if depth == 0:
        return isinstance(coords, list | tuple) and 2 <= len(coords) <= 3 and all(_finite(v) for v in coords)
    return isinstance(coords, list | tuple) and all(_positions_ok(c, depth - 1) for c in coords)


_DEPTH = {
    "Point": 0,
    "LineString": 1,
    "MultiPoint": 1,
    "Polygon": 2,
    "MultiLineString": 2,
    "MultiPolygon": 3,
}


def count_positions(geometry: Any) -> int:
    """How many positions (vertices) a raw GeoJSON geometry holds, from list lengths alone.

    Costs one step per ring or line, not per position, so a huge shape can be refused
    before its numbers are read. Whatever is malformed counts as nothing here (the
    coordinate checks refuse it afterwards).

    >>> count_positions({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]})
    4
    >>> count_positions({"type": "Point", "coordinates": [1, 2]}), count_positions(None)
    (1, 0)

    Parameters
    ----------
    geometry
        A raw GeoJSON geometry, as parsed (anything is accepted).

    Returns
    -------
    int
        The number of positions.
    """
    if not isinstance(geometry, Mapping) or geometry.get("type") not in _DEPTH:
        return 0
    return _count(geometry.get("coordinates"), _DEPTH[geometry["type"]])


def _count(coords: Any, depth: int) -> int:
    if not isinstance(coords, list | tuple):
        return 0
    if depth <= 1:
        return len(coords) if depth == 1 else 1
    return sum(_count(c, depth - 1) for c in coords)


def check_raw_geometry(geometry: Any) -> None:
    """Refuse a raw GeoJSON geometry that shapely would silently misread, or that is too big.

    Checks the type, that it has at most :data:`MAX_SHAPE_VERTICES` positions (before
    reading any), that every position is two or three finite numbers within
    lon/lat range, that lines have 2+ positions and rings are closed with 4+ positions.

    >>> check_raw_geometry({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    codesign.errors.InvalidGeometryError: A ring needs at least 4 positions ...

    Parameters
    ----------
    geometry
        A raw GeoJSON geometry, as parsed (:class:`InvalidGeometryError` says what is wrong).
    """
    if not isinstance(geometry, Mapping) or "type" not in geometry:
        raise InvalidGeometryError("geometry.missing")
    gtype = geometry.get("type")
    if gtype not in _DEPTH:
        raise InvalidGeometryError("geometry.unsupported_type", type=str(gtype)[:40])
    coords: Any = geometry.get("coordinates")  # raw JSON: checked by _positions_ok below
    vertices = count_positions(geometry)
    if vertices > MAX_SHAPE_VERTICES:
        raise InvalidGeometryError("geometry.too_many_vertices", count=vertices, limit=MAX_SHAPE_VERTICES)
    if not _positions_ok(coords, _DEPTH[gtype]):
        raise InvalidGeometryError("geometry.bad_coordinates")
    flat = np.asarray(_flatten(coords, _DEPTH[gtype]), dtype=float).reshape(-1, 3)
    if flat.size == 0:
        raise InvalidGeometryError("geometry.empty")
    if (np.abs(flat[:, 0]) > 180).any() or (np.abs(flat[:, 1]) > 90).any():
        raise InvalidGeometryError("geometry.out_of_range")
    rings: list = []
    if gtype == "Polygon":
        rings = list(coords)
    elif gtype == "MultiPolygon":
        rings = [ring for polygon in coords for ring in polygon]
    lines: list = []
    if gtype == "LineString":
        lines = [coords]
    elif gtype == "MultiLineString":
        lines = list(coords)
    for ring in rings:
        if len(ring) < 4:
            raise InvalidGeometryError("geometry.short_ring", count=len(ring))
        if list(ring[0])[:2] != list(ring[-1])[:2]:
            raise InvalidGeometryError("geometry.unclosed_ring")
    for line in lines:
        if len(line) < 2:
            raise InvalidGeometryError("geometry.short_line", count=len(line))
    if gtype in ("Polygon", "MultiPolygon") and not rings:
        raise InvalidGeometryError("geometry.empty")
    if gtype == "MultiPolygon" and any(len(polygon) == 0 for polygon in coords):
        raise InvalidGeometryError("geometry.empty_polygon")


def _flatten(coords: Any, depth: int) -> list[list[float]]:
    if depth == 0:
        return [[float(coords[0]), float(coords[1]), 0.0]]
    out: list[list[float]] = []
    for c in coords:
        out.extend(_flatten(c, depth - 1))
    return out


def _distinct_points(geom: BaseGeometry) -> int:
    coords = shapely.get_coordinates(geom)
    return len(np.unique(np.round(coords, 3), axis=0)) if len(coords) else 0


def clean_shape(geometry: Any, frame: MetricFrame, snap_to: Sequence[BaseGeometry] = ()) -> CleanShape:
    """Validate, snap, repair, clip and measure one raw GeoJSON geometry drawn on a site.

    Raises :class:`InvalidGeometryError` when nothing usable is left: fewer than 3 distinct
    corners, under 1 m², or wholly outside the site. A zone or path is snapped to ``snap_to``
    (:func:`codesign.domain.snapping.snap_to_neighbours`) before it is repaired and clipped.

    Parameters
    ----------
    geometry
        A raw GeoJSON geometry in lon/lat, as the browser sent it.
    frame
        The site's metric frame.
    snap_to
        The team's other shapes in the site's metres, to snap to (none: no snapping).

    Returns
    -------
    CleanShape
        The shape, its kind, and notices the user should read (repaired, clipped).
    """
    check_raw_geometry(geometry)
    kind = geometry_kind(geometry["type"])
    if kind is None:
        raise InvalidGeometryError("geometry.unsupported_type", type=geometry["type"])
    metric = frame.to_metric(shape(two_d_geometry(geometry)))
    snapped = snap_to_neighbours(metric, snap_to) if snap_to else None
    if snapped is not None and shapely.get_num_coordinates(snapped.geometry) > MAX_SHAPE_VERTICES:
        snapped = None  # the neighbours' corners would take it over the cap: keep it as drawn
    if snapped is not None and snapped.changed:
        metric = snapped.geometry
    notices: list[Notice] = []
    if kind == "zone":
        metric, notices = _clean_zone(metric, frame)
    elif kind == "path":
        metric, notices = _clean_path(metric, frame)
    elif not frame.boundary.covers(metric):
        distance = frame.boundary.distance(metric)
        raise InvalidGeometryError("geometry.point_outside", distance=round(distance))
    if snapped is not None and snapped.shift_m >= _SNAP_REPORTED_M:
        count, shift_cm = snapped.moved + snapped.inserted, round(snapped.shift_m * 100)
        notices.insert(0, Notice("geometry.snapped", {"count": count, "shift": shift_cm}))
    lonlat = frame.to_lonlat(metric)
    if kind == "zone":
        lonlat = shapely.orient_polygons(_polygonal(lonlat), exterior_cw=False)
        metric = frame.to_metric(lonlat)  # measure what is stored
        if lonlat.is_empty or metric.area < MIN_ZONE_AREA_M2:
            raise InvalidGeometryError("geometry.too_small", area=round(metric.area, 2), minimum=MIN_ZONE_AREA_M2)
    vertices = shapely.get_num_coordinates(lonlat)
    if vertices > MAX_SHAPE_VERTICES:  # repair or clipping to the site added corners
        raise InvalidGeometryError("geometry.too_many_vertices", count=vertices, limit=MAX_SHAPE_VERTICES)
    return CleanShape(kind=kind, geometry=_single_or_multi(lonlat), metric=metric, notices=tuple(notices))


def two_d_geometry(geometry: Mapping[str, Any]) -> dict[str, Any]:
    """A raw GeoJSON geometry (already checked) with every position cut to [x, y].

    >>> two_d_geometry({"type": "LineString", "coordinates": [[1, 2], [3, 4, 5]]})
    {'type': 'LineString', 'coordinates': [[1.0, 2.0], [3.0, 4.0]]}

    Parameters
    ----------
    geometry
        A checked raw GeoJSON geometry (:func:`check_raw_geometry`).

    Returns
    -------
    dict
        The geometry with floats, two per position.
    """
    return {"type": geometry["type"], "coordinates": _two_d(geometry["coordinates"], _DEPTH[geometry["type"]])}


def _two_d(coords: Any, depth: int) -> Any:
    """Raw GeoJSON coordinates with any third value dropped (mixed 2-D/3-D is common from CAD)."""
    if depth == 0:
        return [float(coords[0]), float(coords[1])]
    return [_two_d(c, depth - 1) for c in coords]


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygon parts of a geometry (make_valid may add lines and points)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _lineal(geom: BaseGeometry) -> BaseGeometry:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("LineString", "MultiLineString")]
    return shapely.line_merge(shapely.union_all(parts)) if parts else shapely.LineString()


def _single_or_multi(geom: BaseGeometry) -> BaseGeometry:
    if isinstance(geom, shapely.GeometryCollection) and len(geom.geoms) == 1:
        return geom.geoms[0]
    return geom


def _clean_zone(metric: BaseGeometry, frame: MetricFrame) -> tuple[BaseGeometry, list[Notice]]:
    notices: list[Notice] = []
    if any(_distinct_points(part.exterior) < 3 for part in shapely.get_parts(metric)):
        raise InvalidGeometryError("geometry.too_few_points")
    if not metric.is_valid:
        reason = shapely.is_valid_reason(metric)
        try:
            metric = _polygonal(shapely.make_valid(metric))
        except shapely.errors.GEOSException:
            raise InvalidGeometryError("geometry.too_few_points") from None
        parts = len(shapely.get_parts(metric))
        notices.append(Notice("geometry.repaired", {"reason": reason.split("[")[0].strip(), "parts": parts}))
    drawn_area = metric.area
    if drawn_area < MIN_ZONE_AREA_M2:
        raise InvalidGeometryError("geometry.too_small", area=round(drawn_area, 2), minimum=MIN_ZONE_AREA_M2)
    clipped = _polygonal(shapely.intersection(metric, frame.boundary))
    removed = drawn_area - clipped.area
    if clipped.is_empty:
        raise InvalidGeometryError("geometry.outside_site")
    if clipped.area < MIN_ZONE_AREA_M2:
        raise InvalidGeometryError("geometry.too_small", area=round(clipped.area, 2), minimum=MIN_ZONE_AREA_M2)
    if removed > _CLIP_TOLERANCE:  # slivers under the tolerance are cut without a word
        notices.append(Notice("geometry.clipped_zone", {"area": round(removed)}))
    return _single_or_multi(clipped), notices


def _clean_path(metric: BaseGeometry, frame: MetricFrame) -> tuple[BaseGeometry, list[Notice]]:
    notices: list[Notice] = []
    if _distinct_points(metric) < 2:
        raise InvalidGeometryError("geometry.too_few_points_line")
    drawn_length = metric.length
    clipped = _lineal(shapely.intersection(metric, frame.boundary))
    if clipped.is_empty:
        raise InvalidGeometryError("geometry.outside_site")
    if clipped.length < MIN_PATH_LENGTH_M:
        raise InvalidGeometryError("geometry.too_short", length=round(clipped.length, 2), minimum=MIN_PATH_LENGTH_M)
    if drawn_length - clipped.length > _CLIP_TOLERANCE:
        notices.append(Notice("geometry.clipped_path", {"length": round(drawn_length - clipped.length)}))
    return clipped, notices


def to_geojson_geometry(geom: BaseGeometry) -> dict[str, Any]:
    """A shapely geometry as a plain GeoJSON dict with lists (not tuples).

    Parameters
    ----------
    geom
        The geometry.

    Returns
    -------
    dict
        JSON-ready GeoJSON geometry.
    """
    return _listify(mapping(geom))


def _listify(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_listify(v) for v in value]
    if isinstance(value, dict):
        return {k: _listify(v) for k, v in value.items()}
    return value
