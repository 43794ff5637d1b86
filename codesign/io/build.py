"""Turn an imported file plus the user's value -> category mapping into a concept.

Every feature is accounted for: it becomes a concept feature (possibly changed, with
notices), or is listed as unmapped (its value has no category), or is rejected with the
reason (outside the site, too small, a line mapped to a zone...).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry.base import BaseGeometry

from codesign.domain.concept import MAX_CONCEPT_VERTICES, MAX_FEATURES, MAX_LABEL, MAX_TITLE, Concept, ConceptFeature
from codesign.domain.geometry import MAX_SHAPE_VERTICES, clean_shape, to_geojson_geometry
from codesign.domain.notices import Notice
from codesign.domain.taxonomy import Kind, category, geometry_kind
from codesign.errors import InvalidGeometryError
from codesign.io.categories import value_key

if TYPE_CHECKING:
    from codesign.domain.site import Site
    from codesign.io.model import ImportedFile

__all__ = ["ImportResult", "build_concept"]

#: Attributes whose text becomes a feature's label (when it is not the attribute mapped).
_LABEL_ATTRIBUTES = ("name", "Name", "label", "title", "Text")
#: Largest ``source`` metadata kept with the concept (the concept format allows 100,000 characters).
_MAX_SOURCE_CHARS = 90_000


@dataclass(frozen=True)
class ImportResult:
    """The concept built from a file, and what happened to each feature (1-based index).

    ``unmapped`` lists (index, value, geometry type) of features whose value has no
    category; ``rejected`` those that could not be used; ``notices`` those kept but changed.
    """

    concept: Concept
    unmapped: tuple[tuple[int, str, str], ...]
    rejected: tuple[tuple[int, Notice], ...]
    notices: tuple[tuple[int, Notice], ...]


def _fit_kind(geom: BaseGeometry, kind: Kind) -> tuple[BaseGeometry | None, Notice | None]:
    """``geom`` as the kind of geometry the category needs, with a notice if it had to change."""
    own = geometry_kind(geom.geom_type)
    if own == kind:
        return geom, None
    if kind == "amenity" and own == "zone":
        return geom.point_on_surface(), Notice("import.point_from_zone")
    if kind == "amenity" and own == "path":
        return geom.interpolate(0.5, normalized=True), Notice("import.point_from_line")
    if kind == "zone" and own == "path":
        lines = list(shapely.get_parts(geom))
        if all(line.is_closed and len(line.coords) >= 4 for line in lines):
            polygons = [shapely.Polygon(line.coords) for line in lines]
            zone = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
            return zone, Notice("import.zone_from_closed_line")
    return None, None


def _label(properties: Mapping[str, Any], attribute: str) -> str:
    for name in _LABEL_ATTRIBUTES:
        if name != attribute and isinstance(properties.get(name), str) and properties[name].strip():
            return " ".join(properties[name].split())[:MAX_LABEL]
    return ""


def _source(imported: ImportedFile, attribute: str, mapping: dict[str, str | None]) -> dict[str, Any]:
    source = {
        "file": imported.file_name,
        "format": imported.format,
        "crs": imported.source_crs,
        "attribute": attribute,
        "mapping": mapping,
    }
    if len(json.dumps(source, ensure_ascii=False)) > _MAX_SOURCE_CHARS:
        source["mapping"] = {value: cat for value, cat in mapping.items() if cat is not None}
        while len(json.dumps(source, ensure_ascii=False)) > _MAX_SOURCE_CHARS and source["mapping"]:
            source["mapping"].popitem()
    return source


def build_concept(
    imported: ImportedFile,
    *,
    attribute: str,
    mapping: Mapping[str, str | None],
    site: Site,
    team: str,
    title: str = "",
) -> ImportResult:
    """Build a concept from the features whose value maps to a category.

    Mapped features are fitted to their category's kind, cleaned and clipped to the site
    with :func:`codesign.domain.geometry.clean_shape`, and numbered f1, f2, ... A shape over
    :data:`~codesign.domain.geometry.MAX_SHAPE_VERTICES`, or one that would take the concept over
    :data:`~codesign.domain.concept.MAX_CONCEPT_VERTICES` or ``MAX_FEATURES``, is rejected with the reason.
    ``mapping`` maps an attribute value (as in :func:`codesign.io.suggest_mapping`, ``""``
    for missing) to a category id or None. An unknown category id raises
    :class:`~codesign.errors.CodesignError`. The concept's ``source`` records the file, its
    format and CRS, the attribute and the mapping (every value seen, None if unmapped).
    """
    categories = {value: category(cat_id) if cat_id else None for value, cat_id in mapping.items()}
    features: list[ConceptFeature] = []
    unmapped: list[tuple[int, str, str]] = []
    rejected: list[tuple[int, Notice]] = []
    notices: list[tuple[int, Notice]] = []
    seen: dict[str, str | None] = {}
    vertices = 0  # of the features kept: at most MAX_CONCEPT_VERTICES
    for index, raw in enumerate(imported.features, start=1):
        value = value_key(raw.properties.get(attribute)) if attribute else ""
        cat = categories.get(value)
        seen.setdefault(value, cat.id if cat else None)
        if cat is None:
            unmapped.append((index, value, raw.geometry.geom_type))
            continue
        geom, changed = _fit_kind(raw.geometry, cat.kind)
        if geom is None:
            notice = Notice("import.wrong_kind", {"category": cat.id, "type": raw.geometry.geom_type})
            rejected.append((index, notice))
            continue
        if len(features) >= MAX_FEATURES:
            rejected.append((index, Notice("concept.too_many_features", {"limit": MAX_FEATURES})))
            continue
        count = int(shapely.get_num_coordinates(geom))
        if count > MAX_SHAPE_VERTICES:  # refused before it is copied, repaired or clipped
            too_many = Notice("geometry.too_many_vertices", {"count": count, "limit": MAX_SHAPE_VERTICES})
            rejected.append((index, too_many))
            continue
        try:
            cleaned = clean_shape(to_geojson_geometry(geom), site.frame)
        except InvalidGeometryError as err:
            rejected.append((index, Notice(err.key, dict(err.params))))
            continue
        size = int(shapely.get_num_coordinates(cleaned.geometry))
        if vertices + size > MAX_CONCEPT_VERTICES:
            notice = Notice("concept.too_many_vertices", {"count": vertices + size, "limit": MAX_CONCEPT_VERTICES})
            rejected.append((index, notice))
            continue
        vertices += size
        feature_id = f"f{len(features) + 1}"
        features.append(
            ConceptFeature(
                id=feature_id, category=cat.id, geometry=cleaned.geometry, label=_label(raw.properties, attribute)
            )
        )
        if changed is not None:
            notices.append((index, changed))
        notices.extend((index, notice) for notice in cleaned.notices)
    full_mapping = {**seen, **{value: cat.id if cat else None for value, cat in categories.items()}}
    concept = Concept(
        site=site.id,
        team=team,
        title=" ".join(title.split())[:MAX_TITLE],
        features=tuple(features),
        source=_source(imported, attribute, full_mapping),
    )
    return ImportResult(concept=concept, unmapped=tuple(unmapped), rejected=tuple(rejected), notices=tuple(notices))
