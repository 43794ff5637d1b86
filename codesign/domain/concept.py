"""A team's concept: typed features plus metadata, as an RFC 7946 FeatureCollection.

The file format is documented in ``docs/concept-format.md``.

>>> c = Concept(site="aksu-city-square", team="team-1")
>>> concept_from_geojson(concept_to_geojson(c)) == c
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from codesign.domain.geometry import (
    check_raw_geometry,
    count_positions,
    to_geojson_geometry,
    two_d_geometry,
)
from codesign.domain.provenance import Provenance, edited, provenance_from_json, provenance_to_json
from codesign.domain.taxonomy import Kind, category, geometry_kind
from codesign.errors import CodesignError, InvalidConceptError, InvalidGeometryError

__all__ = [
    "FORMAT",
    "MAX_CONCEPT_VERTICES",
    "MAX_DESCRIPTION",
    "MAX_FEATURES",
    "MAX_NOTE",
    "MAX_TITLE",
    "Concept",
    "ConceptFeature",
    "VersionInfo",
    "concept_from_geojson",
    "concept_to_geojson",
    "concept_vertices",
    "delete_feature",
    "edit_feature",
    "edit_metadata",
    "merge_concepts",
]

FORMAT = "codesign-concept/1"
MAX_TITLE = 120
MAX_LABEL = 80
MAX_NOTE = 500
MAX_DESCRIPTION = 2000
MAX_FEATURES = 1000
#: Most vertices all shapes of one concept may have together (each shape has at most
#: :data:`codesign.domain.geometry.MAX_SHAPE_VERTICES`). A hand-drawn concept has a few hundred, an
#: imported plan of a park a few thousand; 50,000 is ten of the largest shapes allowed, about
#: 2 MB of GeoJSON from the browser. Every comparison, consensus and map redraw goes through
#: all of them, and cleaning them costs about 1 s at worst (measured, bench/sketch_bench.py).
MAX_CONCEPT_VERTICES = 50_000
_FEATURE_ID = re.compile(r"^f[0-9]{1,6}$")


@dataclass(frozen=True)
class ConceptFeature:
    """One zone, path or amenity of a concept (geometry in WGS84 lon/lat)."""

    id: str
    category: str
    geometry: BaseGeometry
    label: str = ""
    note: str = ""
    #: Where a feature of the joint vision came from (None for teams' concepts and the plan).
    provenance: Provenance | None = None

    @property
    def kind(self) -> Kind:
        """What the feature is, from its category.

        Returns
        -------
        Kind
            ``zone``, ``path`` or ``amenity``.
        """
        return category(self.category).kind

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ConceptFeature):
            return NotImplemented
        same_text = (self.id, self.category, self.label, self.note, self.provenance) == (
            other.id,
            other.category,
            other.label,
            other.note,
            other.provenance,
        )
        return same_text and bool(shapely.equals_exact(self.geometry, other.geometry, tolerance=1e-9))

    def __hash__(self) -> int:
        return hash((self.id, self.category))


@dataclass(frozen=True)
class Concept:
    """A team's (or the plan's) design for one site."""

    site: str
    team: str
    title: str = ""
    description: str = ""
    features: tuple[ConceptFeature, ...] = ()
    version: int = 0
    saved_at: str | None = None
    illustrative: bool = False
    #: Where an imported concept came from: file name, format, CRS, the attribute used and the
    #: value -> category mapping the user confirmed (JSON-compatible), or None if drawn here.
    source: Mapping[str, Any] | None = None

    def feature(self, feature_id: str) -> ConceptFeature:
        """The feature with that id (``error.feature_not_found`` if there is none).

        Parameters
        ----------
        feature_id
            The feature's id (``f1``, ``f2``, ...).

        Returns
        -------
        ConceptFeature
            The feature.
        """
        for f in self.features:
            if f.id == feature_id:
                return f
        raise CodesignError("error.feature_not_found", feature=feature_id)

    def next_feature_id(self) -> str:
        """A fresh id: ``f`` and one more than the largest number in use.

        >>> Concept("s", "t").next_feature_id()
        'f1'

        Returns
        -------
        str
            The id.
        """
        numbers = [int(f.id[1:]) for f in self.features if _FEATURE_ID.match(f.id)]
        return f"f{max(numbers, default=0) + 1}"

    def same_content(self, other: Concept) -> bool:
        """Whether two concepts hold the same design (version and time aside).

        Parameters
        ----------
        other
            The concept to compare with.

        Returns
        -------
        bool
            True when only the version number or the save time differ.
        """
        return replace(self, version=0, saved_at=None) == replace(other, version=0, saved_at=None)


def _text(value: Any, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidConceptError("concept.bad_field", field=name)
    if len(value) > limit:
        raise InvalidConceptError("concept.too_long", field=name, limit=limit, length=len(value))
    return value


def concept_to_geojson(concept: Concept) -> dict[str, Any]:
    """The concept as an RFC 7946 FeatureCollection (see docs/concept-format.md).

    Parameters
    ----------
    concept
        The concept.

    Returns
    -------
    dict
        JSON-ready: the features and a ``codesign`` member with the metadata.
    """
    return {
        "type": "FeatureCollection",
        "codesign": {
            "format": FORMAT,
            "site": concept.site,
            "team": concept.team,
            "title": concept.title,
            "description": concept.description,
            "version": concept.version,
            "saved_at": concept.saved_at,
            "illustrative": concept.illustrative,
            **({"source": dict(concept.source)} if concept.source else {}),
        },
        "features": [
            {
                "type": "Feature",
                "id": f.id,
                "geometry": to_geojson_geometry(f.geometry),
                "properties": {
                    "id": f.id,
                    "category": f.category,
                    "kind": f.kind,
                    "label": f.label,
                    "note": f.note,
                    **({"provenance": provenance_to_json(f.provenance)} if f.provenance else {}),
                },
            }
            for f in concept.features
        ],
    }


def concept_from_geojson(data: Any) -> Concept:
    """Read a concept FeatureCollection; :class:`InvalidConceptError` says what is wrong.

    Sizes are checked before any geometry is built (:data:`MAX_FEATURES`,
    :data:`MAX_CONCEPT_VERTICES`); every feature's id, category, kind and geometry are checked.

    Parameters
    ----------
    data
        Parsed JSON, as :func:`concept_to_geojson` writes it (anything else is refused).

    Returns
    -------
    Concept
        The concept.
    """
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        raise InvalidConceptError("concept.not_feature_collection")
    meta = data.get("codesign")
    if not isinstance(meta, Mapping):
        raise InvalidConceptError("concept.no_metadata")
    raw_features = data.get("features")
    if not isinstance(raw_features, list):
        raise InvalidConceptError("concept.not_feature_collection")
    if len(raw_features) > MAX_FEATURES:
        raise InvalidConceptError("concept.too_many_features", limit=MAX_FEATURES)
    vertices = sum(count_positions(raw.get("geometry")) for raw in raw_features if isinstance(raw, Mapping))
    if vertices > MAX_CONCEPT_VERTICES:  # counted from list lengths: refused before shapely sees anything
        raise InvalidConceptError("concept.too_many_vertices", count=vertices, limit=MAX_CONCEPT_VERTICES)
    features: list[ConceptFeature] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_features, start=1):
        features.append(_feature_from_geojson(raw, index, seen))
    version = meta.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise InvalidConceptError("concept.bad_field", field="version")
    return Concept(
        site=_text(meta.get("site"), "site", 64),
        team=_text(meta.get("team"), "team", 64),
        title=_text(meta.get("title"), "title", MAX_TITLE),
        description=_text(meta.get("description"), "description", MAX_DESCRIPTION),
        features=tuple(features),
        version=version,
        saved_at=meta.get("saved_at") if isinstance(meta.get("saved_at"), str) else None,
        illustrative=bool(meta.get("illustrative", False)),
        source=_source(meta.get("source")),
    )


def concept_vertices(concept: Concept) -> int:
    """How many vertices all shapes of the concept have together (at most :data:`MAX_CONCEPT_VERTICES`).

    >>> from shapely.geometry import Point
    >>> concept_vertices(Concept("s", "t", features=(ConceptFeature("f1", "bench", Point(0, 0)),)))
    1

    Parameters
    ----------
    concept
        The concept.

    Returns
    -------
    int
        The number of coordinates of all its features.
    """
    return int(sum(shapely.get_num_coordinates([f.geometry for f in concept.features])))


def _source(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or len(json.dumps(value, ensure_ascii=False)) > 100_000:
        raise InvalidConceptError("concept.bad_field", field="source")
    return dict(value)


def _feature_from_geojson(raw: Any, index: int, seen: set[str]) -> ConceptFeature:
    if not isinstance(raw, Mapping) or raw.get("type") != "Feature":
        raise InvalidConceptError("concept.bad_feature", index=index)
    props = raw.get("properties")
    if not isinstance(props, Mapping):
        raise InvalidConceptError("concept.bad_feature", index=index)
    feature_id = props.get("id", raw.get("id"))
    if not isinstance(feature_id, str) or not _FEATURE_ID.match(feature_id) or feature_id in seen:
        raise InvalidConceptError("concept.bad_feature_id", index=index)
    seen.add(feature_id)
    try:
        cat = category(str(props.get("category")))
    except CodesignError:
        raise InvalidConceptError(
            "concept.unknown_category", index=index, category=str(props.get("category"))[:40]
        ) from None
    try:
        check_raw_geometry(raw.get("geometry"))
    except InvalidGeometryError as err:
        raise InvalidConceptError("concept.bad_geometry", index=index, reason=str(err)) from None
    geom = shape(two_d_geometry(raw["geometry"]))
    if geometry_kind(geom.geom_type) != cat.kind:
        raise InvalidConceptError("concept.kind_mismatch", index=index, category=cat.id, type=geom.geom_type)
    return ConceptFeature(
        id=feature_id,
        category=cat.id,
        geometry=geom,
        label=_text(props.get("label"), "label", MAX_LABEL),
        note=_text(props.get("note"), "note", MAX_NOTE),
        provenance=provenance_from_json(props.get("provenance")),
    )


# ----------------------------------------------------------------------------- editing


def edit_metadata(concept: Concept, *, title: str | None = None, description: str | None = None) -> Concept:
    """The concept with a new title and/or description (length-checked).

    Parameters
    ----------
    concept
        The concept to change.
    title
        The new title (at most :data:`MAX_TITLE` characters), or ``None`` to keep it.
    description
        The new description (at most :data:`MAX_DESCRIPTION`), or ``None`` to keep it.

    Returns
    -------
    Concept
        The changed concept.
    """
    return replace(
        concept,
        title=concept.title if title is None else _text(title, "title", MAX_TITLE),
        description=concept.description if description is None else _text(description, "description", MAX_DESCRIPTION),
    )


def edit_feature(
    concept: Concept,
    feature_id: str,
    *,
    category_id: str | None = None,
    label: str | None = None,
    note: str | None = None,
) -> Concept:
    """Change a feature's category (within its kind), label or note.

    Parameters
    ----------
    concept
        The concept to change.
    feature_id
        The feature's id.
    category_id
        The new category, of the same kind (``error.kind_change`` otherwise), or ``None``.
    label
        The new label, or ``None`` to keep it.
    note
        The new note, or ``None`` to keep it.

    Returns
    -------
    Concept
        The changed concept.
    """
    old = concept.feature(feature_id)
    new = old
    if category_id is not None and category_id != old.category:
        if category(category_id).kind != old.kind:
            raise CodesignError("error.kind_change", old=old.category, new=category_id)
        new = replace(new, category=category_id, provenance=edited(old.provenance))
    if label is not None:
        new = replace(new, label=_text(label, "label", MAX_LABEL))
    if note is not None:
        new = replace(new, note=_text(note, "note", MAX_NOTE))
    return replace(concept, features=tuple(new if f.id == feature_id else f for f in concept.features))


def delete_feature(concept: Concept, feature_id: str) -> Concept:
    """The concept without that feature.

    Parameters
    ----------
    concept
        The concept to change.
    feature_id
        The feature's id (``error.feature_not_found`` if there is none).

    Returns
    -------
    Concept
        The concept without it.
    """
    concept.feature(feature_id)
    return replace(concept, features=tuple(f for f in concept.features if f.id != feature_id))


# ----------------------------------------------------------------------------- merging


def merge_concepts(base: Concept, mine: Concept, theirs: Concept) -> tuple[Concept, int]:
    """Three-way merge: apply what ``mine`` changed since ``base`` onto ``theirs``.

    Features added in ``mine`` get fresh ids in the result; features deleted in
    ``mine`` are removed; features changed in ``mine`` replace ``theirs`` unless
    ``theirs`` changed them too (then ``theirs`` wins).

    Parameters
    ----------
    base
        The version both started from.
    mine
        My version (not stored: a save was refused as stale).
    theirs
        The version stored since.

    Returns
    -------
    tuple of (Concept, int)
        The merged concept, and how many of my changes lost to theirs.
    """
    base_by_id = {f.id: f for f in base.features}
    mine_by_id = {f.id: f for f in mine.features}
    theirs_by_id = {f.id: f for f in theirs.features}
    lost = 0
    result = list(theirs.features)
    for fid, old in base_by_id.items():
        if fid not in mine_by_id and fid in theirs_by_id:
            if theirs_by_id[fid] == old:
                result = [f for f in result if f.id != fid]
            else:
                lost += 1
        elif fid in mine_by_id and mine_by_id[fid] != old and fid in theirs_by_id:
            if theirs_by_id[fid] == old:
                result = [mine_by_id[fid] if f.id == fid else f for f in result]
            else:
                lost += 1
    merged = replace(theirs, features=tuple(result))
    for f in mine.features:
        if f.id not in base_by_id:
            merged = replace(merged, features=(*merged.features, replace(f, id=merged.next_feature_id())))
    title = mine.title if mine.title != base.title else theirs.title
    description = mine.description if mine.description != base.description else theirs.description
    return replace(merged, title=title, description=description), lost


@dataclass(frozen=True)
class VersionInfo:
    """One stored version of a concept."""

    version: int
    saved_at: str  # the file's modification time, UTC
    size: int  # bytes
