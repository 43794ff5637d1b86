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
from codesign.domain.geometry import MAX_SHAPE_VERTICES, CleanShape, clean_shape, to_geojson_geometry
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
    source: dict[str, Any] = {
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
    (:func:`codesign.domain.geometry.clean_shape`) and numbered f1, f2, ...; one past the
    vertex or feature limits is rejected with the reason. The concept's ``source`` records the
    file, its format and CRS, the attribute and the mapping (every value seen, None if unmapped).

    Parameters
    ----------
    imported
        The file as :func:`codesign.io.read_file` read it.
    attribute
        The attribute whose value says what each feature is.
    mapping
        Attribute value (as in :func:`codesign.io.suggest_mapping`, ``""`` for missing) to a
        category id, or None to leave it out.
    site
        The site the shapes are clipped to.
    team
        The concept's owner: a team id or ``plan``.
    title
        The concept's title.

    Returns
    -------
    ImportResult
        The concept and what was left out: unmapped and rejected features, and changes made.

    Raises
    ------
    CodesignError
        When ``mapping`` names an unknown category id.
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
        fitted = _fitted(raw.geometry, cat.id, cat.kind, site, kept=len(features), vertices=vertices)
        if isinstance(fitted, Notice):
            rejected.append((index, fitted))
            continue
        vertices += fitted.vertices
        shape, label = fitted.shape, _label(raw.properties, attribute)
        features.append(
            ConceptFeature(id=f"f{len(features) + 1}", category=cat.id, geometry=shape.geometry, label=label)
        )
        if fitted.changed is not None:
            notices.append((index, fitted.changed))
        notices.extend((index, notice) for notice in shape.notices)
    full_mapping = {**seen, **{value: cat.id if cat else None for value, cat in categories.items()}}
    concept = Concept(
        site=site.id,
        team=team,
        title=" ".join(title.split())[:MAX_TITLE],
        features=tuple(features),
        source=_source(imported, attribute, full_mapping),
    )
    return ImportResult(concept=concept, unmapped=tuple(unmapped), rejected=tuple(rejected), notices=tuple(notices))


@dataclass(frozen=True)
class _Fitted:
    """A feature's shape, ready to keep: cleaned, its vertex count, and the notice if its kind changed."""

    shape: CleanShape
    vertices: int
    changed: Notice | None


def _fitted(
    geometry: BaseGeometry, category_id: str, kind: Kind, site: Site, *, kept: int, vertices: int
) -> _Fitted | Notice:
    """The shape fitted to the category's kind and cleaned, or the notice saying why it cannot be kept.

    Refused: a shape that cannot take the kind, one over
    :data:`~codesign.domain.geometry.MAX_SHAPE_VERTICES`, or one that would take the concept (``kept``
    features with ``vertices`` so far) over ``MAX_FEATURES`` or
    :data:`~codesign.domain.concept.MAX_CONCEPT_VERTICES`.
    """
    geom, changed = _fit_kind(geometry, kind)
    if geom is None:
        return Notice("import.wrong_kind", {"category": category_id, "type": geometry.geom_type})
    if kept >= MAX_FEATURES:
        return Notice("concept.too_many_features", {"limit": MAX_FEATURES})
    count = int(shapely.get_num_coordinates(geom))
    if count > MAX_SHAPE_VERTICES:  # refused before it is copied, repaired or clipped
        return Notice("geometry.too_many_vertices", {"count": count, "limit": MAX_SHAPE_VERTICES})
    try:
        cleaned = clean_shape(to_geojson_geometry(geom), site.frame)
    except InvalidGeometryError as err:
        return Notice(err.key, dict(err.params))
    size = int(shapely.get_num_coordinates(cleaned.geometry))
    if vertices + size > MAX_CONCEPT_VERTICES:
        return Notice("concept.too_many_vertices", {"count": vertices + size, "limit": MAX_CONCEPT_VERTICES})
    return _Fitted(cleaned, size, changed)
