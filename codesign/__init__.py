"""Tugan Qala Co-design: the domain package (never imports Streamlit).

Its layers, each importing only those before it: ``domain`` (sites, categories, concepts,
sessions, access), ``analysis`` (figures, comparison, consensus), ``storage`` (the
:class:`~codesign.storage.base.Store` protocol: a sessions folder or PostGIS), ``io`` (plans,
concepts and sites from GIS/CAD files), ``render``, ``report`` and ``export``; ``services``
and ``cli`` (``python -m codesign``) put them to work. The names below are the few a script
starts from:

>>> import codesign
>>> site = codesign.load_site("aksu-city-square")
>>> site.id, codesign.category("lawn").kind
('aksu-city-square', 'zone')

:mod:`codesign.gdal_env` is imported first: GDAL's safety options must be in place before
pyogrio is first imported, by the app, the CLI and the tests alike.
"""

import codesign.gdal_env  # noqa: F401 - first, before anything can import pyogrio

# isort: split
from codesign.analysis.compare import compare_concepts
from codesign.analysis.consensus import build_consensus
from codesign.domain.concept import Concept, ConceptFeature
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
from codesign.io import build_concept, import_site, read_file, suggest_mapping
from codesign.storage.base import Store, open_store

__all__ = [
    "AccessDenied",
    "Category",
    "CodesignError",
    "Concept",
    "ConceptFeature",
    "ImportFormatError",
    "InvalidConceptError",
    "InvalidGeometryError",
    "InvalidIdentifier",
    "Session",
    "SessionConflictError",
    "SessionNotFound",
    "Site",
    "SiteNotFound",
    "Store",
    "StoreError",
    "Team",
    "build_concept",
    "build_consensus",
    "categories",
    "category",
    "compare_concepts",
    "import_site",
    "list_sites",
    "load_site",
    "open_store",
    "read_file",
    "suggest_mapping",
]
