"""Compare two concepts (a team's against the plan, or two teams'), zone by zone, in metres.

Where a concept's own zones overlap, the one drawn later (on top on the map) decides
what that ground is for, so each concept becomes a categorical map of the site: every
point is one category or unassigned. On those maps:

- per category: area in each, intersection, IoU, area added (only in ``a``) and removed
  (only in ``b``);
- agreement: the share of the designed area (``a`` ∪ ``b``) where both give the same
  category;
- Cohen's kappa over the whole site, with *unassigned* as a class;
- per zone of ``b`` (the plan): kept, replaced (by what), dropped, or moved (its category
  appears elsewhere in ``a`` instead);
- amenities: counts per type, pairs matched within a distance, new in ``a``, missing from
  ``a``; path lengths per type.

>>> from shapely.geometry import box
>>> from codesign.domain.geometry import MetricFrame
>>> kappa_from_confusion([[50, 0], [0, 50]])
1.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from codesign.domain.concept import Concept
from codesign.domain.geometry import MetricFrame
from codesign.domain.notices import Notice
from codesign.domain.taxonomy import categories, category

__all__ = [
    "AGREEMENT_STATES",
    "OUTCOMES",
    "UNASSIGNED",
    "AmenityMatch",
    "CategoryFigures",
    "Comparison",
    "ZoneOutcome",
    "agreement_map",
    "categorical_map",
    "category_label",
    "compare_concepts",
    "describe",
    "kappa_from_confusion",
]

UNASSIGNED = "unassigned"
DEFAULT_MATCH_DISTANCE_M = 10.0
#: A plan zone counts as "moved" when the concept gives its category, on ground where the
#: plan does not have that category, at least this share of the zone's area.
MOVED_MIN_SHARE = 0.5
#: What a concept does with a plan zone (:attr:`ZoneOutcome.outcome`), in the order tables list them.
OUTCOMES = ("kept", "replaced", "dropped", "moved")
_EMPTY = shapely.Polygon()


@dataclass(frozen=True)
class CategoryFigures:
    """Zone figures of one category in two concepts (m²)."""

    a_m2: float
    b_m2: float
    intersection_m2: float
    iou: float
    added_m2: float  # only in a
    removed_m2: float  # only in b


@dataclass(frozen=True)
class ZoneOutcome:
    """What concept ``a`` does where ``b`` (the plan) has one zone."""

    id: str
    category: str
    area_m2: float
    outcome: str  # kept | replaced | dropped | moved
    dominant: str  # the category of a that covers most of the zone, or "unassigned"
    shares: Mapping[str, float]  # category of a (or unassigned) -> share of the zone, largest first
    moved_to: tuple[float, float] | None = None  # lon, lat of where a has this category instead
    moved_m2: float = 0.0


@dataclass(frozen=True)
class AmenityMatch:
    """An amenity of ``a`` and one of ``b`` of the same type within the match distance."""

    category: str
    a_id: str
    b_id: str
    distance_m: float


@dataclass(frozen=True)
class Comparison:
    """Everything :func:`compare_concepts` finds; ``to_json()`` is the documented form."""

    a: str
    b: str
    site_area_m2: float
    categories: Mapping[str, CategoryFigures]
    agreement: float
    kappa: float
    designed_m2: float
    zones: tuple[ZoneOutcome, ...]
    amenity_counts: Mapping[str, tuple[int, int]]
    matches: tuple[AmenityMatch, ...]
    new_amenities: tuple[str, ...]  # ids in a without a match in b
    missing_amenities: tuple[str, ...]  # ids in b without a match in a
    path_length_m: Mapping[str, tuple[float, float]]
    match_distance_m: float
    confusion: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def outcome_counts(self) -> dict[str, int]:
        """How many plan zones the concept keeps, replaces, drops or moves.

        Returns
        -------
        dict of str to int
            Each of :data:`OUTCOMES` (in that order) -> number of plan zones.
        """
        return {outcome: sum(z.outcome == outcome for z in self.zones) for outcome in OUTCOMES}

    def matched_counts(self) -> dict[str, int]:
        """How many amenity pairs were matched, per amenity type.

        Returns
        -------
        dict of str to int
            Each type of :attr:`amenity_counts` (in its order) -> matched pairs.
        """
        return {cid: sum(m.category == cid for m in self.matches) for cid in self.amenity_counts}

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready dict (see docs/compare-format.md).

        Returns
        -------
        dict of str to Any
            The comparison in its documented JSON form.
        """
        return {
            "a": self.a,
            "b": self.b,
            "site_area_m2": round(self.site_area_m2, 2),
            "designed_m2": round(self.designed_m2, 2),
            "agreement": round(self.agreement, 4),
            "kappa": round(self.kappa, 4),
            "categories": {k: {n: round(v, 4) for n, v in asdict(f).items()} for k, f in self.categories.items()},
            "zones": [
                {
                    **asdict(z),
                    "area_m2": round(z.area_m2, 2),
                    "moved_m2": round(z.moved_m2, 2),
                    "shares": {k: round(v, 4) for k, v in z.shares.items()},
                    "moved_to": list(z.moved_to) if z.moved_to else None,
                }
                for z in self.zones
            ],
            "amenities": {
                "match_distance_m": self.match_distance_m,
                "counts": {k: {"a": a, "b": b} for k, (a, b) in self.amenity_counts.items()},
                "matched": [{**asdict(m), "distance_m": round(m.distance_m, 2)} for m in self.matches],
                "new": list(self.new_amenities),
                "missing": list(self.missing_amenities),
            },
            "paths": {k: {"a_m": round(a, 2), "b_m": round(b, 2)} for k, (a, b) in self.path_length_m.items()},
            "confusion_m2": {r: {c: round(v, 2) for c, v in row.items()} for r, row in self.confusion.items()},
        }

    def sentences(self, limit: int = 6) -> list[Notice]:
        """The main differences as message keys with values, most area first.

        Keys: ``compare.sentence.replaced``, ``.dropped``, ``.moved``, ``.added``, ``.kept``.

        Parameters
        ----------
        limit : int
            How many sentences at most.

        Returns
        -------
        list of Notice
            The sentences (:func:`describe` puts them in words).
        """
        found: list[tuple[float, Notice]] = []
        moved: dict[str, list[ZoneOutcome]] = {}
        for z in self.zones:
            if z.outcome == "replaced":
                found.append(
                    (
                        z.area_m2 * z.shares.get(z.dominant, 0),
                        Notice(
                            "compare.sentence.replaced",
                            {
                                "plan": z.category,
                                "concept": z.dominant,
                                "area": z.area_m2 * z.shares.get(z.dominant, 0),
                            },
                        ),
                    )
                )
            elif z.outcome == "dropped":
                found.append((z.area_m2, Notice("compare.sentence.dropped", {"plan": z.category, "area": z.area_m2})))
            elif z.outcome == "moved":
                moved.setdefault(z.category, []).append(z)
        for cid, zones in moved.items():  # one sentence per category, however many plan zones
            area = sum(z.area_m2 for z in zones)
            found.append(
                (area, Notice("compare.sentence.moved", {"plan": cid, "area": area, "moved": zones[0].moved_m2}))
            )
        plan_categories = {z.category for z in self.zones}
        for cid, fig in self.categories.items():
            if cid not in plan_categories and fig.a_m2 > 0 and fig.b_m2 == 0:
                found.append((fig.a_m2, Notice("compare.sentence.added", {"concept": cid, "area": fig.a_m2})))
        kept = [z for z in self.zones if z.outcome == "kept"]
        if kept:
            area = sum(z.area_m2 for z in kept)
            found.append(
                (
                    area * 0.5,
                    Notice("compare.sentence.kept", {"count": len(kept), "total": len(self.zones), "area": area}),
                )
            )
        found.sort(key=lambda item: -item[0])
        return [notice for _, notice in found[:limit]]


def categorical_map(concept: Concept, frame: MetricFrame) -> dict[str, BaseGeometry]:
    """Category -> the ground (metres) the concept gives it; later zones cover earlier ones.

    The result's geometries do not overlap each other and lie inside the site.

    Parameters
    ----------
    concept : Concept
        The concept.
    frame : MetricFrame
        Its site's metric frame.

    Returns
    -------
    dict of str to BaseGeometry
        Zone category -> its ground in metres (categories with no ground left out).
    """
    zones = [f for f in concept.features if f.kind == "zone"]
    if not zones:
        return {}
    metric = [frame.to_metric(f.geometry) for f in zones]
    metric = list(shapely.intersection(shapely.make_valid(np.array(metric, dtype=object)), frame.boundary))
    taken: BaseGeometry = _EMPTY
    parts: dict[str, list[BaseGeometry]] = {}
    for feature, geom in zip(reversed(zones), reversed(metric), strict=True):
        free = shapely.difference(geom, taken) if not taken.is_empty else geom
        if not free.is_empty:
            parts.setdefault(feature.category, []).append(free)
        taken = shapely.union(taken, geom)
    return {cid: _polygonal(shapely.union_all(geoms)) for cid, geoms in parts.items()}


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
    return shapely.union_all(polys) if polys else _EMPTY


def kappa_from_confusion(matrix: Sequence[Sequence[float]]) -> float:
    """Cohen's kappa from a square confusion matrix of weights (here: m²).

    >>> round(kappa_from_confusion([[20, 5], [10, 15]]), 4)
    0.4

    Parameters
    ----------
    matrix : Sequence of Sequence of float
        Rows: one rater's classes, columns: the other's, in the same order.

    Returns
    -------
    float
        The kappa; 1.0 for an empty matrix or perfect agreement on one class.
    """
    m = np.asarray(matrix, dtype=float)
    total = m.sum()
    if total <= 0:
        return 1.0
    observed = np.trace(m) / total
    expected = float((m.sum(axis=1) / total) @ (m.sum(axis=0) / total))
    if np.isclose(expected, 1.0):
        return 1.0 if np.isclose(observed, 1.0) else 0.0
    return float((observed - expected) / (1 - expected))


def compare_concepts(
    a: Concept,
    b: Concept,
    frame: MetricFrame,
    *,
    match_distance_m: float = DEFAULT_MATCH_DISTANCE_M,
) -> Comparison:
    """Compare concept ``a`` with ``b`` (usually a team's concept with the plan).

    Parameters
    ----------
    a : Concept
        The concept compared.
    b : Concept
        The concept it is compared with (its zones get outcomes).
    frame : MetricFrame
        The site's metric frame.
    match_distance_m : float
        Amenities of one type this close (m) are a matched pair.

    Returns
    -------
    Comparison
        Figures per category, agreement, kappa, zone outcomes, amenities and paths.
    """
    map_a = categorical_map(a, frame)
    map_b = categorical_map(b, frame)
    site = frame.boundary
    union_a = shapely.union_all(list(map_a.values())) if map_a else _EMPTY
    union_b = shapely.union_all(list(map_b.values())) if map_b else _EMPTY
    classes_a = [*map_a, UNASSIGNED]
    classes_b = [*map_b, UNASSIGNED]
    geoms_a = {**map_a, UNASSIGNED: shapely.difference(site, union_a)}
    geoms_b = {**map_b, UNASSIGNED: shapely.difference(site, union_b)}
    confusion: dict[str, dict[str, float]] = {}
    for ca in classes_a:
        confusion[ca] = {}
        for cb in classes_b:
            ga, gb = geoms_a[ca], geoms_b[cb]
            if ga.is_empty or gb.is_empty or not shapely.intersects(ga, gb):
                confusion[ca][cb] = 0.0
            else:
                confusion[ca][cb] = float(shapely.intersection(ga, gb).area)
    labels = sorted(set(classes_a) | set(classes_b), key=_order)
    matrix = [[confusion.get(r, {}).get(c, 0.0) for c in labels] for r in labels]
    kappa = kappa_from_confusion(matrix)
    designed = float(shapely.union(union_a, union_b).area) if not (union_a.is_empty and union_b.is_empty) else 0.0
    same = sum(confusion.get(c, {}).get(c, 0.0) for c in labels if c != UNASSIGNED)
    agreement = same / designed if designed else 1.0

    figures: dict[str, CategoryFigures] = {}
    for cid in sorted(set(map_a) | set(map_b), key=_order):
        a_m2 = float(map_a[cid].area) if cid in map_a else 0.0
        b_m2 = float(map_b[cid].area) if cid in map_b else 0.0
        inter = confusion.get(cid, {}).get(cid, 0.0)
        union = a_m2 + b_m2 - inter
        figures[cid] = CategoryFigures(a_m2, b_m2, inter, inter / union if union else 0.0, a_m2 - inter, b_m2 - inter)

    zones = tuple(_zone_outcomes(b, frame, geoms_a, map_a, map_b))
    counts, matches, new, missing = _amenities(a, b, frame, match_distance_m)
    return Comparison(
        a=a.team,
        b=b.team,
        site_area_m2=frame.area_m2,
        categories=figures,
        agreement=agreement,
        kappa=kappa,
        designed_m2=designed,
        zones=zones,
        amenity_counts=counts,
        matches=matches,
        new_amenities=new,
        missing_amenities=missing,
        path_length_m=_path_lengths(a, b, frame),
        match_distance_m=match_distance_m,
        confusion=confusion,
    )


AGREEMENT_STATES = ("same", "a_only", "b_only", "different")


def agreement_map(a: Concept, b: Concept, frame: MetricFrame) -> dict[str, BaseGeometry]:
    """Where ``a`` and ``b`` agree, as lon/lat geometry per state.

    ``same``: both give the same category; ``a_only`` / ``b_only``: only one designs the
    ground; ``different``: both design it, differently. Empty states are left out.

    Parameters
    ----------
    a : Concept
        One concept.
    b : Concept
        The other.
    frame : MetricFrame
        The site's metric frame.

    Returns
    -------
    dict of str to BaseGeometry
        State (of :data:`AGREEMENT_STATES`) -> its ground in lon/lat, states under 0.5 m² left out.
    """
    map_a, map_b = categorical_map(a, frame), categorical_map(b, frame)
    union_a = shapely.union_all(list(map_a.values())) if map_a else _EMPTY
    union_b = shapely.union_all(list(map_b.values())) if map_b else _EMPTY
    same = shapely.union_all([shapely.intersection(g, map_b[c]) for c, g in map_a.items() if c in map_b] or [_EMPTY])
    states = {
        "same": same,
        "a_only": shapely.difference(union_a, union_b),
        "b_only": shapely.difference(union_b, union_a),
        "different": shapely.difference(shapely.intersection(union_a, union_b), same),
    }
    result = {}
    for state, geom in states.items():
        geom = _polygonal(geom)
        if geom.area >= 0.5:
            result[state] = frame.to_lonlat(geom)
    return result


def describe(notice: Notice, lang: str) -> str:
    """A comparison sentence in ``lang``, with category labels and areas filled in.

    Parameters
    ----------
    notice : Notice
        A sentence of :meth:`Comparison.sentences`.
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The sentence.
    """
    from codesign.i18n import format_number, translate

    params = dict(notice.params)
    for key in ("plan", "concept"):
        if key in params:
            params[key] = category_label(str(params[key]), lang)
    for key in ("area", "moved"):
        if key in params:
            params[key] = format_number(float(cast(float, params[key])), lang)
    return translate(notice.key, lang, **params)


def _order(cid: str) -> int:
    ids = [c.id for c in categories()]
    return ids.index(cid) if cid in ids else len(ids)


def _zone_outcomes(
    plan: Concept,
    frame: MetricFrame,
    geoms_a: Mapping[str, BaseGeometry],
    map_a: Mapping[str, BaseGeometry],
    map_b: Mapping[str, BaseGeometry],
) -> list[ZoneOutcome]:
    outcomes = []
    for feature in plan.features:
        if feature.kind != "zone":
            continue
        zone = shapely.intersection(shapely.make_valid(frame.to_metric(feature.geometry)), frame.boundary)
        area = float(zone.area)
        if area <= 0:
            continue
        shares = {}
        for cid, geom in geoms_a.items():
            if not geom.is_empty and shapely.intersects(geom, zone):
                covered = float(shapely.intersection(geom, zone).area)
                if covered >= 0.005 * area:  # less than half a percent is drawing slop
                    shares[cid] = covered / area
        # largest share first; on a tie the plan's own category, then any category, then unassigned
        rank = {feature.category: 0, UNASSIGNED: 2}
        shares = dict(sorted(shares.items(), key=lambda kv: (-round(kv[1], 6), rank.get(kv[0], 1))))
        dominant = next(iter(shares), UNASSIGNED)
        outcome = "kept" if dominant == feature.category else "dropped" if dominant == UNASSIGNED else "replaced"
        moved_to = None
        moved_m2 = 0.0
        if outcome != "kept" and feature.category in map_a:
            elsewhere = shapely.difference(map_a[feature.category], map_b.get(feature.category, zone))
            if elsewhere.area >= MOVED_MIN_SHARE * area:
                outcome = "moved"
                moved_m2 = float(elsewhere.area)
                point = cast(shapely.Point, frame.to_lonlat(shapely.point_on_surface(elsewhere)))
                moved_to = (round(point.x, 7), round(point.y, 7))
        outcomes.append(ZoneOutcome(feature.id, feature.category, area, outcome, dominant, shares, moved_to, moved_m2))
    return outcomes


def _amenities(
    a: Concept, b: Concept, frame: MetricFrame, distance: float
) -> tuple[dict[str, tuple[int, int]], tuple[AmenityMatch, ...], tuple[str, ...], tuple[str, ...]]:
    pts_a = [f for f in a.features if f.kind == "amenity"]
    pts_b = [f for f in b.features if f.kind == "amenity"]
    counts: dict[str, tuple[int, int]] = {}
    for cid in sorted({f.category for f in pts_a} | {f.category for f in pts_b}, key=_order):
        counts[cid] = (sum(f.category == cid for f in pts_a), sum(f.category == cid for f in pts_b))
    xy_a = {f.id: frame.to_metric(f.geometry) for f in pts_a}
    xy_b = {f.id: frame.to_metric(f.geometry) for f in pts_b}
    candidates = []
    for fa in pts_a:
        for fb in pts_b:
            if fa.category == fb.category:
                d = float(shapely.distance(xy_a[fa.id], xy_b[fb.id]))
                if d <= distance:
                    candidates.append((d, fa.id, fb.id, fa.category))
    candidates.sort()
    used_a: set[str] = set()
    used_b: set[str] = set()
    matches = []
    for d, ida, idb, cid in candidates:  # closest pairs first, each amenity used once
        if ida not in used_a and idb not in used_b:
            used_a.add(ida)
            used_b.add(idb)
            matches.append(AmenityMatch(cid, ida, idb, d))
    new = tuple(f.id for f in pts_a if f.id not in used_a)
    missing = tuple(f.id for f in pts_b if f.id not in used_b)
    return counts, tuple(matches), new, missing


def _path_lengths(a: Concept, b: Concept, frame: MetricFrame) -> dict[str, tuple[float, float]]:
    result = {}
    for cat in categories("path"):
        la = sum(frame.to_metric(f.geometry).length for f in a.features if f.category == cat.id)
        lb = sum(frame.to_metric(f.geometry).length for f in b.features if f.category == cat.id)
        if la or lb:
            result[cat.id] = (float(la), float(lb))
    return result


def category_label(cid: str, lang: str) -> str:
    """A category's label, or the translated word for *unassigned*.

    Parameters
    ----------
    cid : str
        A category id or ``unassigned``.
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The label.
    """
    if cid == UNASSIGNED:
        from codesign.i18n import translate

        return translate("compare.unassigned", lang)
    return category(cid).label(lang)
