"""One import path for plans, concepts and sites: read a GIS/CAD file, suggest categories, build.

    imported = read_file(data, "plan.dxf", crs="EPSG:32643", site=site)  # or ImportFormatError
    suggestion = suggest_mapping(imported)              # attribute + value -> category
    result = build_concept(imported, attribute=suggestion.attribute,
                           mapping=suggestion.mapping, site=site, team="plan")

Formats: GeoJSON, KML/KMZ, GeoPackage, zipped Shapefile, DXF, OSM XML, all read by GDAL
(pyogrio). :func:`import_site` makes a new site folder from such a file.
"""

from codesign.errors import ImportFormatError
from codesign.io.build import ImportResult, build_concept
from codesign.io.categories import suggest_category
from codesign.io.coordinates import FAR_FROM_SITE_M
from codesign.io.mapping import suggest_mapping
from codesign.io.model import (
    DEFAULT_LIMITS,
    FORMATS,
    ImportedFile,
    ImportLimits,
    MappingSuggestion,
    RawFeature,
    ValueInfo,
)
from codesign.io.reader import read_file
from codesign.io.site_import import import_site

__all__ = [
    "DEFAULT_LIMITS",
    "FAR_FROM_SITE_M",
    "FORMATS",
    "ImportFormatError",
    "ImportLimits",
    "ImportResult",
    "ImportedFile",
    "MappingSuggestion",
    "RawFeature",
    "ValueInfo",
    "build_concept",
    "import_site",
    "read_file",
    "suggest_category",
    "suggest_mapping",
]
