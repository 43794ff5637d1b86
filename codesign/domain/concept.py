"""A team's concept: typed features plus metadata, as an RFC 7946 FeatureCollection.

The file format is documented in ``docs/concept-format.md``.

>>> c = Concept(site="aksu-city-square", team="team-1")
>>> concept_from_geojson(concept_to_geojson(c)) == c
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from codesign.domain.geometry import (
    MAX_SHAPE_VERTICES,
    CleanShape,
    MetricFrame,
    check_raw_geometry,
    clean_shape,
    count_positions,
    to_geojson_geometry,
    two_d_geometry,
)
from codesign.domain.notices import Notice
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
    "DrawingOutcome",
    "VersionInfo",
    "apply_drawings",
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

    @property
    def kind(self) -> Kind:
        """zone, path or amenity, from the category."""
        return category(self.category).kind

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ConceptFeature):
            return NotImplemented
        same_text = (self.id, self.category, self.label, self.note) == (
            other.id,
            other.category,
            other.label,
            other.note,
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
        """The feature with that id."""
        for f in self.features:
            if f.id == feature_id:
                return f
        raise CodesignError("error.feature_not_found", feature=feature_id)

    def next_feature_id(self) -> str:
        """A fresh id: ``f`` and one more than the largest number in use."""
        numbers = [int(f.id[1:]) for f in self.features if _FEATURE_ID.match(f.id)]
        return f"f{max(numbers, default=0) + 1}"

    def same_content(self, other: Concept) -> bool:
        """Whether two concepts hold the same design (version and time aside)."""
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
    """The concept as an RFC 7946 FeatureCollection (see docs/concept-format.md)."""
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
                },
            }
            for f in concept.features
        ],
    }


def concept_from_geojson(data: Any) -> Concept:
    """Read a concept FeatureCollection; :class:`InvalidConceptError` says what is wrong."""
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
    )


# ----------------------------------------------------------------------------- editing


def edit_metadata(concept: Concept, *, title: str | None = None, description: str | None = None) -> Concept:
    """The concept with a new title and/or description (length-checked)."""
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
    """Change a feature's category (within its kind), label or note."""
    old = concept.feature(feature_id)
    new = old
    if category_id is not None and category_id != old.category:
        if category(category_id).kind != old.kind:
            raise CodesignError("error.kind_change", old=old.category, new=category_id)
        new = replace(new, category=category_id)
    if label is not None:
        new = replace(new, label=_text(label, "label", MAX_LABEL))
    if note is not None:
        new = replace(new, note=_text(note, "note", MAX_NOTE))
    return replace(concept, features=tuple(new if f.id == feature_id else f for f in concept.features))


def delete_feature(concept: Concept, feature_id: str) -> Concept:
    """The concept without that feature."""
    concept.feature(feature_id)
    return replace(concept, features=tuple(f for f in concept.features if f.id != feature_id))


# ----------------------------------------------------------------------------- drawings


@dataclass(frozen=True)
class DrawingOutcome:
    """What applying the browser's drawings did: the new concept and what to tell the user.

    ``notices`` pairs a feature id (or ``None``) with a :class:`Notice`; ``rejected``
    holds notices for shapes that were not kept. ``drafts`` maps browser draft ids
    to the feature ids they became.
    """

    concept: Concept
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    notices: tuple[tuple[str | None, Notice], ...] = ()
    rejected: tuple[Notice, ...] = ()
    drafts: Mapping[str, str] = field(default_factory=dict)

    @property
    def changed_anything(self) -> bool:
        """Whether the concept differs from before."""
        return bool(self.added or self.changed or self.deleted)


def apply_drawings(
    concept: Concept,
    drawings: Iterable[Mapping[str, Any]],
    frame: MetricFrame,
    selected: Mapping[Kind, str],
    drafts: Mapping[str, str] | None = None,
) -> DrawingOutcome:
    """Reconcile the map's full list of drawn features with the concept.

    ``drawings`` is everything the map holds (Leaflet.draw's feature group): features
    with ``properties.id`` are the concept's own (their geometry may have been edited),
    features with ``properties.draft`` are new shapes (new ones take the ``selected``
    category of their kind); concept features missing from the list were deleted on
    the map. A draft already turned into a feature (``drafts``) is not added twice.

    Shapes are validated, repaired and clipped with :func:`codesign.domain.geometry.clean_shape`;
    ones that cannot be kept go to ``rejected`` and change nothing else. The concept's
    vertices stay within :data:`MAX_CONCEPT_VERTICES` and its features within
    :data:`MAX_FEATURES`.

    Parameters
    ----------
    concept
        The concept as it was before the map changed.
    drawings
        Every feature the map holds, as GeoJSON mappings.
    frame
        The site's metric frame (for repair, clipping and areas).
    selected
        The category a new shape of each kind takes.
    drafts
        Browser draft ids already turned into feature ids.

    Returns
    -------
    DrawingOutcome
        The new concept, what was added, changed and deleted, and what to tell the user.
    """
    kept = [d for d in drawings if isinstance(d, Mapping)]
    reconciling = _Reconciliation(concept, frame, selected, dict(drafts or {}), kept)
    for drawing in kept:
        reconciling.take(drawing)
    return reconciling.outcome()


class _Reconciliation:
    """The work of :func:`apply_drawings`: the features so far, the vertex budget, what to report."""

    def __init__(
        self,
        concept: Concept,
        frame: MetricFrame,
        selected: Mapping[Kind, str],
        drafts: dict[str, str],
        drawings: list[Mapping[str, Any]],
    ) -> None:
        self.concept = concept
        self.frame = frame
        self.selected = selected
        self.drafts = drafts
        self.by_id = {f.id: f for f in concept.features}
        self.features = list(concept.features)
        self.present: set[str] = set()
        self.added: list[str] = []
        self.changed: list[str] = []
        self.notices: list[tuple[str | None, Notice]] = []
        self.rejected: list[Notice] = []
        # vertices of the shapes that stay on the map: the budget of MAX_CONCEPT_VERTICES
        staying = {fid for d in drawings if (fid := _feature_id(d, drafts)) in self.by_id}
        self.sizes = {f.id: int(shapely.get_num_coordinates(f.geometry)) for f in concept.features if f.id in staying}
        self.total = sum(self.sizes.values())

    def take(self, drawing: Mapping[str, Any]) -> None:
        """One drawing of the map: an edit of a feature, a new shape, or one to ignore."""
        draft = _props(drawing).get("draft")
        feature_id = _feature_id(drawing, self.drafts)
        geometry = drawing.get("geometry")
        if feature_id is not None and feature_id in self.by_id:
            self.present.add(feature_id)
            self._reshape(feature_id, geometry)
        elif feature_id is None or isinstance(draft, str):
            self._add(geometry, draft)
        # else: a feature this concept no longer has (undone elsewhere): ignore

    def _cleaned(self, geometry: Any, others: int) -> CleanShape | None:
        """The shape cleaned, or None with the refusal noted (too many vertices beside ``others``, unusable)."""
        over = _too_big(geometry, others)
        if over is not None:  # refused from the list lengths, before any shapely work
            self.rejected.append(over)
            return None
        try:
            return clean_shape(geometry, self.frame)
        except InvalidGeometryError as err:
            self.rejected.append(Notice(err.key, err.params))
            return None

    def _fits(self, cleaned: CleanShape, others: int) -> int | None:
        """The cleaned shape's vertex count if it fits beside ``others``; None with the refusal noted."""
        size = int(shapely.get_num_coordinates(cleaned.geometry))
        over = _over_budget(others + size)
        if over is not None:
            self.rejected.append(over)
            return None
        return size

    def _reshape(self, feature_id: str, geometry: Any) -> None:
        old = self.by_id[feature_id]
        others = self.total - self.sizes.get(feature_id, 0)
        cleaned = self._cleaned(geometry, others)
        if cleaned is None or cleaned.kind != old.kind or shapely.equals_exact(cleaned.geometry, old.geometry, 1e-7):
            return
        size = self._fits(cleaned, others)
        if size is None:
            return
        self.total = others + size
        self.sizes[feature_id] = size
        new = replace(old, geometry=cleaned.geometry)
        self.features = [new if f.id == feature_id else f for f in self.features]
        self.by_id[feature_id] = new
        self.changed.append(feature_id)
        self.notices.extend((feature_id, n) for n in cleaned.notices)

    def _add(self, geometry: Any, draft: Any) -> None:
        if len(self.features) >= MAX_FEATURES:
            self.rejected.append(Notice("concept.too_many_features", {"limit": MAX_FEATURES}))
            return
        cleaned = self._cleaned(geometry, self.total)
        if cleaned is None:
            return
        size = self._fits(cleaned, self.total)
        if size is None:
            return
        new_id = replace(self.concept, features=tuple(self.features)).next_feature_id()
        self.total += size
        self.sizes[new_id] = size
        feature = ConceptFeature(id=new_id, category=self.selected[cleaned.kind], geometry=cleaned.geometry)
        self.features.append(feature)
        self.by_id[new_id] = feature
        self.present.add(new_id)
        self.added.append(new_id)
        if isinstance(draft, str):
            self.drafts[draft] = new_id
        self.notices.extend((new_id, n) for n in cleaned.notices)

    def outcome(self) -> DrawingOutcome:
        """The concept with every drawing taken; features the map no longer holds are deleted."""
        deleted = [f.id for f in self.concept.features if f.id not in self.present]
        features = [f for f in self.features if f.id not in deleted]
        return DrawingOutcome(
            concept=replace(self.concept, features=tuple(features)),
            added=tuple(self.added),
            changed=tuple(self.changed),
            deleted=tuple(deleted),
            notices=tuple(self.notices),
            rejected=tuple(self.rejected),
            drafts=self.drafts,
        )


def _props(drawing: Mapping[str, Any]) -> Mapping[str, Any]:
    props = drawing.get("properties")
    return props if isinstance(props, Mapping) else {}


def _feature_id(drawing: Mapping[str, Any], drafts: Mapping[str, str]) -> str | None:
    """The concept feature a drawing is (its ``id``, or the feature its ``draft`` became)."""
    props = _props(drawing)
    feature_id, draft = props.get("id"), props.get("draft")
    if not isinstance(feature_id, str) and isinstance(draft, str) and draft in drafts:
        feature_id = drafts[draft]
    return feature_id if isinstance(feature_id, str) else None


def _too_big(geometry: Any, others: int) -> Notice | None:
    """The refusal for a raw shape too big by itself, or beside ``others`` vertices; None if it fits."""
    vertices = count_positions(geometry)
    if vertices > MAX_SHAPE_VERTICES:
        return Notice("geometry.too_many_vertices", {"count": vertices, "limit": MAX_SHAPE_VERTICES})
    return _over_budget(others + vertices)


def _over_budget(vertices: int) -> Notice | None:
    """The refusal for a concept that would have ``vertices`` in all, or None if that fits."""
    if vertices <= MAX_CONCEPT_VERTICES:
        return None
    return Notice("concept.too_many_vertices", {"count": vertices, "limit": MAX_CONCEPT_VERTICES})


# ----------------------------------------------------------------------------- figures


def merge_concepts(base: Concept, mine: Concept, theirs: Concept) -> tuple[Concept, int]:
    """Three-way merge: apply what ``mine`` changed since ``base`` onto ``theirs``.

    Features added in ``mine`` get fresh ids in the result; features deleted in
    ``mine`` are removed; features changed in ``mine`` replace ``theirs`` unless
    ``theirs`` changed them too (then ``theirs`` wins). Returns the merged concept and
    how many of my changes lost to theirs.
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
