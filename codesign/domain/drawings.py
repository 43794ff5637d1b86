"""What the map hands back, reconciled with the concept: drawn, edited and deleted shapes.

The sketch map (Leaflet.draw) holds every shape of a team's concept; after each change the
browser sends the whole list. :func:`apply_drawings` turns it into the new concept: shapes with
a feature id are the concept's own (perhaps moved or reshaped), shapes with a draft id are new,
features missing from the list were deleted. Every shape is checked and repaired
(:func:`~codesign.domain.geometry.clean_shape`) and the concept stays within its limits
(:data:`~codesign.domain.concept.MAX_FEATURES`,
:data:`~codesign.domain.concept.MAX_CONCEPT_VERTICES`); what cannot be kept is refused with a
notice and changes nothing else.

>>> from codesign.domain.site import load_site
>>> site = load_site("aksu-city-square")
>>> lon, lat = site.centre[1], site.centre[0]
>>> bench = {"type": "Feature", "properties": {"draft": "d1"}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}
>>> outcome = apply_drawings(Concept(site.id, "team-1"), [bench], site.frame, {"amenity": "bench"})
>>> outcome.added, outcome.drafts, outcome.concept.feature("f1").category
(('f1',), {'d1': 'f1'}, 'bench')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from codesign.domain.concept import MAX_CONCEPT_VERTICES, MAX_FEATURES, Concept, ConceptFeature
from codesign.domain.geometry import MAX_SHAPE_VERTICES, CleanShape, MetricFrame, clean_shape, count_positions
from codesign.domain.notices import Notice
from codesign.domain.provenance import edited, new_feature_provenance
from codesign.domain.taxonomy import Kind, geometry_kind
from codesign.errors import InvalidGeometryError

__all__ = ["DrawingOutcome", "apply_drawings"]


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
        """Whether the concept differs from before.

        Returns
        -------
        bool
            True when a feature was added, changed or deleted.
        """
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
    """The work of :func:`apply_drawings`: the features so far, the vertex budget, what to report.

    Parameters
    ----------
    concept, frame, selected
        As given to :func:`apply_drawings`.
    drafts
        A copy of the drafts already turned into features, filled as new shapes are added.
    drawings
        The map's drawings (mappings only), to count the vertices of the shapes that stay.
    """

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
        self.metric: dict[str, tuple[BaseGeometry, BaseGeometry]] = {}  # id -> (lon/lat, metres)
        # vertices of the shapes that stay on the map: the budget of MAX_CONCEPT_VERTICES
        staying = {fid for d in drawings if (fid := _feature_id(d, drafts)) in self.by_id}
        self.sizes = {f.id: int(shapely.get_num_coordinates(f.geometry)) for f in concept.features if f.id in staying}
        self.total = sum(self.sizes.values())

    def take(self, drawing: Mapping[str, Any]) -> None:
        """One drawing of the map: an edit of a feature, a new shape, or one to ignore.

        Parameters
        ----------
        drawing
            A GeoJSON feature from the map.
        """
        draft = _props(drawing).get("draft")
        feature_id = _feature_id(drawing, self.drafts)
        geometry = drawing.get("geometry")
        if feature_id is not None and feature_id in self.by_id:
            self.present.add(feature_id)
            self._reshape(feature_id, geometry)
        elif feature_id is None or isinstance(draft, str):
            self._add(geometry, draft)
        # else: a feature this concept no longer has (undone elsewhere): ignore

    def _neighbours(self, feature_id: str | None) -> list[BaseGeometry]:
        """The team's other zones and paths in metres, to snap a new or changed shape to."""
        out = []
        for f in self.features:
            if f.id == feature_id or f.kind == "amenity":
                continue
            cached = self.metric.get(f.id)
            if cached is None or cached[0] is not f.geometry:
                cached = self.metric[f.id] = (f.geometry, self.frame.to_metric(f.geometry))
            out.append(cached[1])
        return out

    def _cleaned(self, geometry: Any, others: int, snap_to: Sequence[BaseGeometry] = ()) -> CleanShape | None:
        """The shape cleaned, or None with the refusal noted (too many vertices beside ``others``, unusable)."""
        over = _too_big(geometry, others)
        if over is not None:  # refused from the list lengths, before any shapely work
            self.rejected.append(over)
            return None
        try:
            return clean_shape(geometry, self.frame, snap_to)
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
        if cleaned is None or cleaned.kind != old.kind or _same_shape(cleaned.geometry, old.geometry):
            return
        if old.kind != "amenity":  # reshaped on the map: snap it to the others (an untouched shape never moves)
            cleaned = self._cleaned(geometry, others, self._neighbours(feature_id))
            if cleaned is None or cleaned.kind != old.kind:
                return
        size = self._fits(cleaned, others)
        if size is None:
            return
        self.total = others + size
        self.sizes[feature_id] = size
        new = replace(old, geometry=cleaned.geometry, provenance=edited(old.provenance))
        self.features = [new if f.id == feature_id else f for f in self.features]
        self.by_id[feature_id] = new
        self.changed.append(feature_id)
        self.notices.extend((feature_id, n) for n in cleaned.notices)

    def _add(self, geometry: Any, draft: Any) -> None:
        if len(self.features) >= MAX_FEATURES:
            self.rejected.append(Notice("concept.too_many_features", {"limit": MAX_FEATURES}))
            return
        kind = geometry_kind(str(geometry.get("type"))) if isinstance(geometry, Mapping) else None
        cleaned = self._cleaned(geometry, self.total, self._neighbours(None) if kind in ("zone", "path") else ())
        if cleaned is None:
            return
        size = self._fits(cleaned, self.total)
        if size is None:
            return
        new_id = replace(self.concept, features=tuple(self.features)).next_feature_id()
        self.total += size
        self.sizes[new_id] = size
        feature = ConceptFeature(
            id=new_id,
            category=self.selected[cleaned.kind],
            geometry=cleaned.geometry,
            provenance=new_feature_provenance(self.concept.source),
        )
        self.features.append(feature)
        self.by_id[new_id] = feature
        self.present.add(new_id)
        self.added.append(new_id)
        if isinstance(draft, str):
            self.drafts[draft] = new_id
        self.notices.extend((new_id, n) for n in cleaned.notices)

    def outcome(self) -> DrawingOutcome:
        """The concept with every drawing taken; features the map no longer holds are deleted.

        Returns
        -------
        DrawingOutcome
            See :func:`apply_drawings`.
        """
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


def _same_shape(a: shapely.Geometry, b: shapely.Geometry) -> bool:
    """Whether two shapes are the same to 1e-7 degrees (about 1 cm), whichever vertex their rings start at."""
    return bool(shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), 1e-7))
