"""Sites: ``data/parks/<site>/`` -> :class:`Site` (boundary, context layers, metadata).

A site folder holds ``site.toml`` (names, default view, notices), ``site.geojson``
(the boundary), ``context.geojson`` (streets, buildings, paths, trees, water drawn
under the design so the map reads without a basemap) and optionally
``akimat_plan.geojson``. See ``data/parks/README.md``.

>>> site = load_site("aksu-city-square")
>>> site.frame.crs.to_epsg(), site.illustrative
(32643, True)
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from codesign.config import DEFAULT_PARKS_DIR, settings
from codesign.domain.geometry import MetricFrame, check_raw_geometry
from codesign.domain.ids import check_identifier
from codesign.errors import CodesignError, SiteNotFound

__all__ = ["PARKS_DIR", "Site", "list_sites", "load_site", "parks_dir"]

PARKS_DIR = DEFAULT_PARKS_DIR
CONTEXT_LAYERS = ("water", "building", "street", "path", "tree")


def parks_dir() -> Path:
    """Where site folders live: ``CODESIGN_PARKS_DIR`` or the bundled ``data/parks``.

    Returns
    -------
    Path
        The folder of the site folders.
    """
    return settings().parks_dir


@dataclass(frozen=True)
class Site:
    """A park or square to design, with its metric frame for measuring."""

    id: str
    folder: Path
    meta: dict[str, Any]
    boundary: BaseGeometry  # lon/lat polygon
    context: dict[str, Any]  # GeoJSON FeatureCollection, features with properties.layer

    def name(self, lang: str) -> str:
        """The site's name in one language.

        Parameters
        ----------
        lang
            ``ru``, ``kk`` or ``en``.

        Returns
        -------
        str
            The name.
        """
        return self.meta["name"][lang]

    def city(self, lang: str) -> str:
        """The city's name in one language.

        Parameters
        ----------
        lang
            ``ru``, ``kk`` or ``en``.

        Returns
        -------
        str
            The name.
        """
        return self.meta["city"][lang]

    def region(self, lang: str) -> str:
        """The region's name in one language.

        Parameters
        ----------
        lang
            ``ru``, ``kk`` or ``en``.

        Returns
        -------
        str
            The name.
        """
        return self.meta["region"][lang]

    def notice(self, lang: str) -> str:
        """The illustrative-data notice in one language.

        Parameters
        ----------
        lang
            ``ru``, ``kk`` or ``en``.

        Returns
        -------
        str
            The notice, or '' for a surveyed site.
        """
        return self.meta.get("notice", {}).get(lang, "") if self.illustrative else ""

    @property
    def illustrative(self) -> bool:
        """Whether the outline and context are invented, not surveyed.

        Returns
        -------
        bool
            ``illustrative`` of ``site.toml``.
        """
        return bool(self.meta.get("illustrative", False))

    @property
    def attribution(self) -> str:
        """Plain-text data attribution shown on the map.

        Returns
        -------
        str
            '' when the site names none.
        """
        return str(self.meta.get("attribution", {}).get("text", ""))

    @property
    def default_zoom(self) -> int:
        """The Leaflet zoom that shows the whole site.

        Returns
        -------
        int
            ``default_zoom`` of ``site.toml`` (17 if unset).
        """
        return int(self.meta.get("default_zoom", 17))

    @property
    def centre(self) -> tuple[float, float]:
        """The boundary's centre, for the map view.

        Returns
        -------
        tuple of (float, float)
            ``(lat, lon)``.
        """
        c = self.boundary.centroid
        return (c.y, c.x)

    @property
    def bounds_latlon(self) -> list[list[float]]:
        """The boundary's bounds, as Leaflet takes them.

        Returns
        -------
        list of list of float
            ``[[south, west], [north, east]]``.
        """
        west, south, east, north = self.boundary.bounds
        return [[south, west], [north, east]]

    @cached_property
    def frame(self) -> MetricFrame:
        """The metric frame (UTM zone estimated from the boundary).

        Returns
        -------
        MetricFrame
            Computed once per site.
        """
        return MetricFrame.from_boundary(self.boundary)

    def __hash__(self) -> int:
        return hash(self.id)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as err:
        raise CodesignError("error.site_file", file=path.name, reason=str(err)[:200]) from err


@cache
def _load_site(folder: Path, site_id: str) -> Site:
    try:
        meta = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteNotFound(site_id=site_id) from None
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise CodesignError("error.site_file", file="site.toml", reason=str(err)[:200]) from err
    boundary_fc = _read_json(folder / "site.geojson")
    geometries = []
    for feature in boundary_fc.get("features", []):
        check_raw_geometry(feature.get("geometry"))
        geometries.append(shape(feature["geometry"]))
    boundary = shapely.union_all(geometries) if geometries else shapely.Polygon()
    if boundary.is_empty or boundary.geom_type not in ("Polygon", "MultiPolygon") or not boundary.is_valid:
        raise CodesignError("error.site_file", file="site.geojson", reason="no valid boundary polygon")
    context_path = folder / "context.geojson"
    context = _read_json(context_path) if context_path.is_file() else {"type": "FeatureCollection", "features": []}
    return Site(id=site_id, folder=folder, meta=meta, boundary=boundary, context=context)


def load_site(site_id: str) -> Site:
    """The site ``data/parks/<site_id>`` (cached per process).

    Parameters
    ----------
    site_id
        The site folder's name (:class:`~codesign.errors.SiteNotFound` when there is none).

    Returns
    -------
    Site
        The site, its boundary checked.
    """
    check_identifier(site_id, "site")
    return _load_site(parks_dir() / site_id, site_id)


def list_sites() -> list[str]:
    """Ids of the site folders that have a ``site.toml``.

    Returns
    -------
    list of str
        Sorted.
    """
    root = parks_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "site.toml").is_file())
