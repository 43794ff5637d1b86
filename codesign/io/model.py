"""The data the importer passes around: limits, raw features, files, mapping suggestions.

>>> DEFAULT_LIMITS.max_features
20000
>>> ImportLimits(max_bytes=1024).max_bytes
1024
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry.base import BaseGeometry

from codesign.domain.notices import Notice
from codesign.domain.taxonomy import Kind

__all__ = [
    "DEFAULT_LIMITS",
    "FORMATS",
    "ImportLimits",
    "ImportedFile",
    "MappingSuggestion",
    "RawFeature",
    "ValueInfo",
]

#: The formats :func:`codesign.io.read_file` accepts, as reported in :attr:`ImportedFile.format`.
FORMATS = ("GeoJSON", "KML", "KMZ", "GPKG", "ESRI Shapefile", "DXF", "OSM")


@dataclass(frozen=True)
class ImportLimits:
    """What one upload may hold; anything larger is refused with the limit named.

    The limits hold while the file is read, not after: each format is counted on its own bytes
    before GDAL expands it (:mod:`codesign.io.census`, :mod:`codesign.io.dxf_census`,
    :mod:`codesign.io.geopackage`), and GDAL's output is read in batches that stop at the limit.
    ``max_text_bytes`` bounds the attribute text (a zipped shapefile can unpack to 200 MB of it).
    """

    max_bytes: int = 25 * 1024 * 1024
    max_features: int = 20_000
    max_vertices: int = 1_000_000
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_text_bytes: int = 64 * 1024 * 1024


DEFAULT_LIMITS = ImportLimits()


@dataclass(frozen=True)
class RawFeature:
    """One feature as read: a 2D WGS84 lon/lat geometry (never a collection) and its attributes."""

    geometry: BaseGeometry
    properties: dict[str, Any]


@dataclass(frozen=True)
class ImportedFile:
    """A file read and checked, not yet mapped to categories.

    ``notices`` tell the user what was changed on the way (BOM removed, Z dropped, empty
    geometries skipped, layers merged...); ``attributes`` lists the attribute names, the
    most useful for categorising first.
    """

    file_name: str
    format: str
    source_crs: str
    features: tuple[RawFeature, ...]
    notices: tuple[Notice, ...]
    attributes: tuple[str, ...]


@dataclass(frozen=True)
class ValueInfo:
    """One distinct value of an attribute: how many features, of which kinds, the suggested category."""

    count: int
    kinds: tuple[Kind, ...]
    suggested: str | None


@dataclass(frozen=True)
class MappingSuggestion:
    """The attribute to categorise by and, per distinct value (``""`` for missing), what we know."""

    attribute: str
    values: dict[str, ValueInfo]

    @property
    def mapping(self) -> dict[str, str | None]:
        """The suggested value -> category mapping, ready for :func:`codesign.io.build_concept`.

        Returns
        -------
        dict
            Value to category id (None where nothing is suggested).
        """
        return {value: info.suggested for value, info in self.values.items()}
