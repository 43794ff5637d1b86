"""Tugan Qala Co-design: the domain package (never imports Streamlit).

Sites, the category taxonomy, geometry checks and repair, concepts, the versioned
session store, access tokens and the offline folium maps.
"""

from codesign.access import facilitator_link, facilitator_secret, join_link, team_for_token
from codesign.concepts import (
    Concept,
    ConceptFeature,
    apply_drawings,
    concept_figures,
    concept_from_geojson,
    concept_to_geojson,
    merge_concepts,
    zone_overlaps,
)
from codesign.errors import (
    AccessDenied,
    CodesignError,
    InvalidConceptError,
    InvalidGeometryError,
    InvalidIdentifier,
    SessionConflictError,
    SessionNotFound,
    SiteNotFound,
    StoreError,
)
from codesign.geometry import MetricFrame, clean_shape
from codesign.sites import Site, list_sites, load_site
from codesign.store import FileStore, Session, Team
from codesign.taxonomy import Category, categories, category

__all__ = [
    "AccessDenied",
    "Category",
    "CodesignError",
    "Concept",
    "ConceptFeature",
    "FileStore",
    "InvalidConceptError",
    "InvalidGeometryError",
    "InvalidIdentifier",
    "MetricFrame",
    "Session",
    "SessionConflictError",
    "SessionNotFound",
    "Site",
    "SiteNotFound",
    "StoreError",
    "Team",
    "apply_drawings",
    "categories",
    "category",
    "clean_shape",
    "concept_figures",
    "concept_from_geojson",
    "concept_to_geojson",
    "facilitator_link",
    "facilitator_secret",
    "join_link",
    "list_sites",
    "load_site",
    "merge_concepts",
    "team_for_token",
    "zone_overlaps",
]
