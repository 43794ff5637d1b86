"""Tugan Qala Co-design: the domain package (never imports Streamlit).

Sites, the category taxonomy, geometry checks and repair, concepts, the versioned
session store, access tokens, the offline folium maps and the plan/site importer
(:mod:`codesign.io`).

:mod:`codesign.gdal_env` is imported first: GDAL's safety options must be in place before
pyogrio is first imported, by the app, the CLI and the tests alike.
"""

import codesign.gdal_env  # noqa: F401 - first, before anything can import pyogrio

# isort: split
from codesign.analysis.figures import concept_figures, zone_overlaps
from codesign.domain.access import facilitator_link, join_link, team_for_token
from codesign.domain.concept import (
    Concept,
    ConceptFeature,
    concept_from_geojson,
    concept_to_geojson,
    merge_concepts,
)
from codesign.domain.drawings import apply_drawings
from codesign.domain.geometry import MetricFrame, clean_shape
from codesign.domain.session import Session, Team
from codesign.domain.site import Site, list_sites, load_site
from codesign.domain.taxonomy import Category, categories, category
from codesign.errors import (
    AccessDenied,
    CodesignError,
    ImportFormatError,
    InvalidConceptError,
    InvalidGeometryError,
    InvalidIdentifier,
    SessionConflictError,
    SessionNotFound,
    SiteNotFound,
    StoreError,
)
from codesign.io import (
    ImportedFile,
    ImportLimits,
    ImportResult,
    MappingSuggestion,
    RawFeature,
    ValueInfo,
    build_concept,
    import_site,
    read_file,
    suggest_category,
    suggest_mapping,
)
from codesign.services.secret import facilitator_secret
from codesign.storage.files import FileStore

__all__ = [
    "AccessDenied",
    "Category",
    "CodesignError",
    "Concept",
    "ConceptFeature",
    "FileStore",
    "ImportFormatError",
    "ImportLimits",
    "ImportResult",
    "ImportedFile",
    "InvalidConceptError",
    "InvalidGeometryError",
    "InvalidIdentifier",
    "MappingSuggestion",
    "MetricFrame",
    "RawFeature",
    "Session",
    "SessionConflictError",
    "SessionNotFound",
    "Site",
    "SiteNotFound",
    "StoreError",
    "Team",
    "ValueInfo",
    "apply_drawings",
    "build_concept",
    "categories",
    "category",
    "clean_shape",
    "concept_figures",
    "concept_from_geojson",
    "concept_to_geojson",
    "facilitator_link",
    "facilitator_secret",
    "import_site",
    "join_link",
    "list_sites",
    "load_site",
    "merge_concepts",
    "read_file",
    "suggest_category",
    "suggest_mapping",
    "team_for_token",
    "zone_overlaps",
]
