"""Put imported coordinates on the map: which CRS, whether it is plausible, near the site or not.

The file's own CRS is used when it has one (GDAL reports it, a legacy GeoJSON ``crs``
member included); the user's ``crs`` overrides it. Without either, degrees are taken as
WGS84 and anything else is refused with a request for the EPSG code. Each classic
mistake gets its own message key with the fix: lat/lon swapped, metres posing as degrees
(EPSG:3857 or UTM numbers in a file that claims WGS84), degrees posing as metres, values
out of range, data far from the site.

>>> import shapely
>>> placed = place(np.array([shapely.Point(630000, 5767000)]), file_crs="EPSG:32643")
>>> placed.source_crs, [round(v, 4) for v in placed.geometries[0].coords[0]]
('EPSG:32643', [76.8954, 52.0384])
>>> place(np.array([shapely.Point(8564000, 6805000)]), file_crs="EPSG:4326")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
codesign.errors.ImportFormatError: The file says its coordinates are longitude/latitude (EPSG:4326), but they ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.exceptions import CRSError

from codesign.domain.notices import Notice
from codesign.errors import ImportFormatError

if TYPE_CHECKING:
    from codesign.domain.site import Site

__all__ = ["FAR_FROM_SITE_M", "Placed", "check_near_site", "crs_label", "distance_to_site_m", "parse_crs", "place"]

#: Data whose nearest feature is further than this from the site boundary is refused.
FAR_FROM_SITE_M = 5000.0
#: Coordinates beyond this in a "degrees" file are metres, not slightly-off degrees.
_METRES_THRESHOLD = 1000.0
_WGS84 = CRS.from_epsg(4326)
_GEOD = Geod(ellps="WGS84")
#: Vertices sampled for the rough (geodesic) distance checks.
_SAMPLE = 200_000


@dataclass(frozen=True)
class Placed:
    """Geometries in WGS84 lon/lat, the CRS they came from, and what the user should know."""

    geometries: np.ndarray
    source_crs: str
    notices: tuple[Notice, ...]


def crs_label(crs: CRS) -> str:
    """``EPSG:32643`` style name of a CRS (its name if it has no authority code).

    >>> crs_label(CRS.from_user_input("urn:ogc:def:crs:EPSG::32643"))
    'EPSG:32643'

    Parameters
    ----------
    crs
        The coordinate system.

    Returns
    -------
    str
        ``AUTHORITY:CODE``, or the CRS's name.
    """
    authority = crs.to_authority(min_confidence=70)
    return f"{authority[0]}:{authority[1]}" if authority else crs.name


def _horizontal(crs: CRS) -> CRS | None:
    """The 2D geographic or projected part of ``crs``, or None (engineering, geocentric...)."""
    if crs.is_compound:
        crs = crs.sub_crs_list[0]
    if not (crs.is_geographic or crs.is_projected):
        return None
    if len(crs.axis_info) > 2:
        try:
            crs = crs.to_2d()
        except CRSError:
            return None
    return crs


def parse_crs(text: str) -> CRS:
    """The CRS a user typed (``EPSG:32643``, ``32643``, a WKT...); refuses what is not one.

    Parameters
    ----------
    text
        What the user typed.

    Returns
    -------
    CRS
        Its horizontal part.
    """
    value = text.strip()
    if value.isdigit():
        value = f"EPSG:{value}"
    try:
        crs = _horizontal(CRS.from_user_input(value))
    except (CRSError, TypeError, ValueError):
        crs = None
    if crs is None:
        raise ImportFormatError("import.bad_crs", crs=text[:60])
    return crs


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= _METRES_THRESHOLD else f"{value:.6f}".rstrip("0").rstrip(".")


def _site_epsg(site: Site | None) -> str:
    return crs_label(site.frame.crs) if site is not None else "EPSG:326NN"


def place(
    geometries: np.ndarray,
    *,
    file_crs: str | None,
    user_crs: str | None = None,
    site: Site | None = None,
    wgs84_by_default: bool = False,
    check_site_distance: bool = True,
) -> Placed:
    """Decide the CRS, check the coordinates make sense in it, and transform them to lon/lat.

    Parameters
    ----------
    geometries
        The geometries as read, in the file's coordinates.
    file_crs
        The CRS the file names (as GDAL reports it), or None.
    user_crs
        The CRS the user gave, overriding the file's; None for the file's own.
    site
        Makes the messages suggest its UTM zone and, with ``check_site_distance``, refuses
        data far from it.
    wgs84_by_default
        For formats that are WGS84 by definition (GeoJSON, KML): no notice when they name no CRS.
    check_site_distance
        Whether data far from ``site`` is refused here.

    Returns
    -------
    Placed
        The geometries in lon/lat, the CRS's label and the notices.
    """
    xy = shapely.get_coordinates(geometries)
    if not np.isfinite(xy).all():
        raise ImportFormatError("import.non_finite")
    notices: list[Notice] = []
    file_crs_obj = _file_crs(file_crs)
    crs: CRS | None
    if user_crs:
        crs = parse_crs(user_crs)
        if file_crs_obj is not None and not crs.equals(file_crs_obj, ignore_axis_order=True):
            notices.append(
                Notice("import.crs_overridden", {"file_crs": crs_label(file_crs_obj), "crs": crs_label(crs)})
            )
    else:
        crs = file_crs_obj
    in_degrees = bool((np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all())
    x, y = (_fmt(v) for v in xy[0])
    if crs is None:
        if not in_degrees:
            raise ImportFormatError("import.needs_crs", x=x, y=y, epsg=_site_epsg(site))
        crs = _WGS84
        if not wgs84_by_default:
            notices.append(Notice("import.assumed_wgs84"))
    label = crs_label(crs)
    if crs.is_geographic and not in_degrees:
        _refuse_bad_degrees(xy, label, site)
    if crs.is_projected and in_degrees:
        raise ImportFormatError("import.degrees_as_metres", crs=label, x=x, y=y)
    lonlat = geometries
    if not crs.equals(_WGS84, ignore_axis_order=True):
        lonlat = shapely.transform(geometries, _transformer(crs))
        out = shapely.get_coordinates(lonlat)
        if not (np.isfinite(out).all() and (np.abs(out[:, 0]) <= 180).all() and (np.abs(out[:, 1]) <= 90).all()):
            raise ImportFormatError("import.crs_mismatch", crs=label)
    if site is not None and check_site_distance:
        check_near_site(lonlat, site, label)
    return Placed(geometries=lonlat, source_crs=label, notices=tuple(notices))


def _file_crs(text: str | None) -> CRS | None:
    if not text:
        return None
    try:
        return _horizontal(CRS.from_user_input(text))
    except (CRSError, TypeError, ValueError):
        return None


def _transformer(crs: CRS) -> Callable[[np.ndarray], np.ndarray]:
    transformer = Transformer.from_crs(crs, _WGS84, always_xy=True)

    def transform(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return transform


def _refuse_bad_degrees(xy: np.ndarray, label: str, site: Site | None) -> None:
    """Coordinates in a geographic CRS that are not degrees: say which mistake it is."""
    bad = (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
    x, y = (_fmt(v) for v in xy[np.argmax(bad)])
    x_max, y_max = np.abs(xy).max(axis=0)
    if x_max <= 90 and y_max <= 180:
        raise ImportFormatError("import.swapped_latlon", x=x, y=y)
    if max(x_max, y_max) > _METRES_THRESHOLD:
        raise ImportFormatError("import.metres_as_degrees", crs=label, x=x, y=y, suggestion=_guess_metric(xy, site))
    raise ImportFormatError("import.out_of_range", x=x, y=y)


def _guess_metric(xy: np.ndarray, site: Site | None) -> str:
    """Which metric CRS puts these numbers nearest the site: Web Mercator or the site's UTM zone."""
    if site is None:
        return "EPSG:3857"
    centre = site.boundary.centroid
    sample = xy[:: max(1, len(xy) // 1000)]
    best, best_distance = "EPSG:3857", np.inf
    for candidate in ("EPSG:3857", crs_label(site.frame.crs)):
        transformer = Transformer.from_crs(candidate, _WGS84, always_xy=True)
        lon, lat = transformer.transform(sample[:, 0], sample[:, 1])
        ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90)
        if not ok.any():
            continue
        _, _, dist = _GEOD.inv(np.full(ok.sum(), centre.x), np.full(ok.sum(), centre.y), lon[ok], lat[ok])
        if dist.min() < best_distance:
            best, best_distance = candidate, float(dist.min())
    return best


def check_near_site(lonlat: np.ndarray, site: Site, label: str) -> None:
    """Refuse data whose nearest geometry is more than 5 km from the site (saying if lat/lon look swapped).

    Parameters
    ----------
    lonlat
        The geometries in lon/lat.
    site
        The site.
    label
        The label of the CRS the data came in, for the message.
    """
    distance = distance_to_site_m(lonlat, site)
    if distance <= FAR_FROM_SITE_M:
        return
    swapped = shapely.transform(lonlat, lambda c: c[:, ::-1])
    xy = shapely.get_coordinates(swapped)
    if (np.abs(xy[:, 1]) <= 90).all() and distance_to_site_m(swapped, site) <= FAR_FROM_SITE_M:
        x, y = (_fmt(v) for v in shapely.get_coordinates(lonlat)[0])
        raise ImportFormatError("import.swapped_latlon", x=x, y=y)
    raise ImportFormatError(
        "import.far_from_site", distance=round(distance / 1000, 1), limit=round(FAR_FROM_SITE_M / 1000), crs=label
    )


def distance_to_site_m(lonlat: np.ndarray, site: Site) -> float:
    """Metres from the site boundary to the nearest geometry (0 if any touches or lies inside).

    Parameters
    ----------
    lonlat, site
        The geometries in lon/lat, and the site.

    Returns
    -------
    float
        The distance in metres (from the centre's geodesic distances, roughly, when very far).
    """
    coords = shapely.get_coordinates(lonlat)
    sample = coords[:: max(1, len(coords) // _SAMPLE)]
    centre = site.boundary.centroid
    boundary = shapely.get_coordinates(site.boundary)
    _, _, radius = _GEOD.inv(np.full(len(boundary), centre.x), np.full(len(boundary), centre.y), *boundary.T)
    _, _, dist = _GEOD.inv(np.full(len(sample), centre.x), np.full(len(sample), centre.y), *sample.T)
    rough = float(np.nanmin(dist) - np.max(radius))
    if rough > 10 * FAR_FROM_SITE_M:  # far away: UTM distances would be distorted, the rough figure is enough
        return rough
    metric = site.frame.to_metric(lonlat)
    distances = shapely.distance(site.frame.boundary, metric)
    return float(np.nanmin(distances))
