"""A concept checked against a design-norm rule pack: pass, fail or n/a per rule, with where it fails.

Pure and vectorised (shapely 2): the concept's features are taken to the site's metric CRS in one
call, each rule selects its categories with a mask, distances use an STRtree. All lengths are
metres and areas m², in :class:`codesign.domain.geometry.MetricFrame`. What each kind measures:

- ``min_share`` / ``max_share``: the union of the zones of ``categories`` over the site's area;
- ``min_area`` / ``max_area``: the area of that union (m²);
- ``min_distance``: the smallest edge-to-edge distance between a feature of ``from`` and one of
  ``to`` (context layers ``building`` and ``street`` included); every pair closer fails;
- ``max_distance``: the farthest any part of a ``from`` feature lies from the nearest ``to``
  feature (sampled every metre along the outline, at most about 400 points, and on a grid
  inside, about 400);
- ``min_count_per_area``: the ``amenity`` points within ``near_m`` (10 m) of the zones (and
  paths, ``path_width_m`` wide, 3 m) of ``categories`` (the whole site if none), against one per
  ``per_m2`` rounded up;
- ``paths_connect``: how many of the site's entrances one connected network of ``categories``
  (``walkway``) reaches within ``snap_m`` (10 m), against all of them.

A rule is ``n/a`` when there is nothing to check: an empty concept, no feature of ``from`` or of
``to``, no area to count on, no entrances.

>>> from codesign.domain.concept import Concept
>>> from codesign.domain.rules import load_pack
>>> from codesign.domain.site import load_site
>>> site = load_site("aksu-city-square")
>>> report = check_concept(Concept(site.id, "team-1"), load_pack("aksu-illustrative"), site)
>>> {r.status for r in report.results}
{'n/a'}
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from codesign.domain.concept import Concept
from codesign.domain.rules import CONTEXT_CATEGORIES, Rule, RulePack, rule_unit
from codesign.domain.site import Site
from codesign.domain.taxonomy import category

__all__ = [
    "DEFAULT_NEAR_M",
    "DEFAULT_PATH_WIDTH_M",
    "DEFAULT_SNAP_M",
    "STATUSES",
    "NormReport",
    "RuleResult",
    "check_concept",
    "site_entrances",
]

STATUSES = ("pass", "fail", "n/a")
#: ``min_count_per_area``: amenities this close (m) to the counted area serve it.
DEFAULT_NEAR_M = 10.0
#: ``min_count_per_area``: the width (m) a path counts with.
DEFAULT_PATH_WIDTH_M = 3.0
#: ``paths_connect``: an entrance this close (m) to the network is joined.
DEFAULT_SNAP_M = 10.0
#: Paths and zones closer than this (m) are one network.
_JOIN_M = 0.5
_EPS = 1e-9
_EMPTY = shapely.GeometryCollection()


@dataclass(frozen=True)
class RuleResult:
    """One rule's outcome; ``measured`` and ``required`` in :attr:`unit`, ``where`` in metres."""

    rule: Rule
    status: str  # pass | fail | n/a
    measured: float | None
    required: float | None
    where: BaseGeometry = field(default=_EMPTY, repr=False)
    features: tuple[str, ...] = ()  # the concept's features at fault

    @property
    def unit(self) -> str:
        """The unit of the numbers (:func:`codesign.domain.rules.rule_unit`).

        Returns
        -------
        str
            ``share``, ``m2``, ``m``, ``items`` or ``entrances``.
        """
        return rule_unit(self.rule.kind)

    def to_json(self) -> dict[str, Any]:
        """The result as docs/check-format.md gives it.

        Returns
        -------
        dict
            ``id``, ``kind``, ``status``, ``measured``, ``required``, ``unit``, ``source``, ``features``.
        """
        return {
            "id": self.rule.id,
            "kind": self.rule.kind,
            "status": self.status,
            "measured": None if self.measured is None else round(self.measured, 4),
            "required": None if self.required is None else round(self.required, 4),
            "unit": self.unit,
            "source": self.rule.source,
            "features": list(self.features),
        }


@dataclass(frozen=True)
class NormReport:
    """A concept's results for every rule of a pack, in the pack's order."""

    pack: RulePack
    results: tuple[RuleResult, ...]

    def count(self, status: str) -> int:
        """How many rules have that status.

        Parameters
        ----------
        status
            ``pass``, ``fail`` or ``n/a``.

        Returns
        -------
        int
            The count.
        """
        return sum(r.status == status for r in self.results)

    def result(self, rule_id: str) -> RuleResult:
        """The result of one rule.

        Parameters
        ----------
        rule_id
            The rule's id.

        Returns
        -------
        RuleResult
            Its result (``KeyError`` if the pack has no such rule).
        """
        for r in self.results:
            if r.rule.id == rule_id:
                return r
        raise KeyError(rule_id)

    def to_json(self) -> dict[str, Any]:
        """The report as docs/check-format.md gives it.

        Returns
        -------
        dict
            ``pack``, ``illustrative``, ``rules``.
        """
        return {
            "pack": self.pack.id,
            "illustrative": self.pack.illustrative,
            "rules": [r.to_json() for r in self.results],
        }


@dataclass(frozen=True)
class _Features:
    """A concept's features in metres, with their ids and categories as arrays."""

    ids: np.ndarray
    cats: np.ndarray
    geoms: np.ndarray

    def pick(self, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        mask = np.isin(self.cats, list(names)) if len(self.cats) else np.zeros(0, bool)
        return self.ids[mask], self.geoms[mask]


@cache
def _context(site: Site) -> dict[str, np.ndarray]:
    """The site's context layers ``building`` and ``street`` in metres (computed once per site)."""
    by_layer: dict[str, list[BaseGeometry]] = {layer: [] for layer in CONTEXT_CATEGORIES}
    for feature in site.context.get("features", []):
        layer = (feature.get("properties") or {}).get("layer")
        if layer in by_layer and feature.get("geometry"):
            by_layer[layer].append(shapely.geometry.shape(feature["geometry"]))
    return {layer: site.frame.to_metric(np.array(geoms, dtype=object)) for layer, geoms in by_layer.items()}


@cache
def site_entrances(site: Site) -> tuple[tuple[str, BaseGeometry], ...]:
    """The site's entrances in metres: ``[[entrance]]`` of ``site.toml`` and context points of layer ``entrance``.

    Parameters
    ----------
    site
        The site.

    Returns
    -------
    tuple of (str, Point)
        ``(id, point)`` each.
    """
    found: list[tuple[str, BaseGeometry]] = []
    for index, entry in enumerate(site.meta.get("entrance", []), start=1):
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("lon"), int | float)
            and isinstance(entry.get("lat"), int | float)
        ):
            found.append((str(entry.get("id", f"entrance-{index}")), shapely.Point(entry["lon"], entry["lat"])))
    for feature in site.context.get("features", []):
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        if props.get("layer") == "entrance" and geometry.get("type") == "Point":
            found.append((str(props.get("name") or f"entrance-{len(found) + 1}"), shapely.geometry.shape(geometry)))
    return tuple((name, site.frame.to_metric(point)) for name, point in found)


def _features(concept: Concept, site: Site) -> _Features:
    geoms = np.array([f.geometry for f in concept.features], dtype=object)
    metric = site.frame.to_metric(geoms) if len(geoms) else geoms
    return _Features(
        np.array([f.id for f in concept.features], dtype=object),
        np.array([f.category for f in concept.features], dtype=object),
        metric,
    )


def _with_context(features: _Features, site: Site, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Concept features of ``names`` and the context layers ``names`` includes (id "" for context)."""
    ids, geoms = features.pick(names)
    context = _context(site)
    extra = [context[n] for n in names if n in context and len(context[n])]
    if not extra:
        return ids, geoms
    more = np.concatenate(extra)
    return np.concatenate([ids, np.full(len(more), "", dtype=object)]), np.concatenate([geoms, more])


def _collection(geoms: Any) -> BaseGeometry:
    parts = [g for g in np.atleast_1d(geoms).tolist() if g is not None and not g.is_empty]
    return shapely.GeometryCollection(parts) if parts else _EMPTY


def _ids(ids: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in np.atleast_1d(ids).tolist() if i))


# ---------------------------------------------------------------------- the kinds
def _share_or_area(rule: Rule, features: _Features, site: Site) -> RuleResult:
    ids, geoms = features.pick(rule.categories())
    area = float(shapely.union_all(geoms).area) if len(geoms) else 0.0
    share = rule.kind.endswith("_share")
    measured = area / site.frame.area_m2 if share and site.frame.area_m2 else area
    required = rule.required()
    ok = measured >= required - _EPS if rule.kind.startswith("min") else measured <= required + _EPS
    if ok:
        return RuleResult(rule, "pass", measured, required)
    if rule.kind.startswith("min"):  # too little: an absence, nowhere on the map to point at
        return RuleResult(rule, "fail", measured, required)
    return RuleResult(rule, "fail", measured, required, _collection(geoms), _ids(ids))


def _min_distance(rule: Rule, features: _Features, site: Site) -> RuleResult:
    a_ids, a = _with_context(features, site, rule.categories("from"))
    b_ids, b = _with_context(features, site, rule.categories("to"))
    required = rule.required()
    if not len(a) or not len(b):
        return RuleResult(rule, "n/a", None, required)
    # Every pair (a few features by a few dozen at most): a distance matrix, self-pairs masked.
    distances = shapely.distance(a[:, None], b[None, :])
    distances[(a_ids[:, None] == b_ids[None, :]) & (a_ids[:, None] != "")] = np.inf
    measured = float(distances.min())
    if not math.isfinite(measured):  # from and to are one and the same feature
        return RuleResult(rule, "n/a", None, required)
    left, right = np.nonzero(distances < required - _EPS)
    if not len(left):
        return RuleResult(rule, "pass", measured, required)
    where = _collection(np.concatenate([a[np.unique(left)], b[np.unique(right)]]))
    ids = _ids(np.concatenate([a_ids[left], b_ids[right]]))
    return RuleResult(rule, "fail", measured, required, where, ids)


def _samples(geom: BaseGeometry) -> np.ndarray:
    """Points of a feature to measure from: its outline every metre (at most ~400 points) and a grid inside (~400)."""
    if geom.geom_type in ("Point", "MultiPoint"):
        return np.asarray(shapely.get_parts(geom))
    outline = geom.boundary if geom.area > 0 else geom
    outline = shapely.segmentize(outline, max(1.0, outline.length / 400))
    points = np.asarray(shapely.points(shapely.get_coordinates(outline)))
    if geom.area <= 0:
        return points
    west, south, east, north = geom.bounds
    step = max(1.0, math.sqrt(geom.area) / 20)
    xs, ys = np.meshgrid(np.arange(west, east, step), np.arange(south, north, step))
    inside = shapely.contains_xy(geom, xs.ravel(), ys.ravel())
    return np.concatenate([points, shapely.points(xs.ravel()[inside], ys.ravel()[inside])])


def _max_distance(rule: Rule, features: _Features, site: Site) -> RuleResult:
    a_ids, a = features.pick(rule.categories("from"))
    _, b = _with_context(features, site, rule.categories("to"))
    required = rule.required()
    if not len(a):
        return RuleResult(rule, "n/a", None, required)
    if not len(b):
        return RuleResult(rule, "fail", None, required, _collection(a), _ids(a_ids))
    tree = shapely.STRtree(b)
    samples = [_samples(g) for g in a]
    _, nearest = tree.query_nearest(np.concatenate(samples), return_distance=True, all_matches=False)
    bounds = np.cumsum([0, *(len(s) for s in samples)])
    farthest = np.array([nearest[start:end].max() for start, end in zip(bounds[:-1], bounds[1:], strict=True)])
    bad = farthest > required + 0.01
    measured = float(farthest.max())
    if not bad.any():
        return RuleResult(rule, "pass", measured, required)
    reach = shapely.buffer(shapely.union_all(b), required, quad_segs=32)
    uncovered = [shapely.difference(g, reach) for g in a[bad]]
    where = _collection([u if not u.is_empty else g for u, g in zip(uncovered, a[bad], strict=True)])
    return RuleResult(rule, "fail", measured, required, where, _ids(a_ids[bad]))


def _count_per_area(rule: Rule, features: _Features, site: Site) -> RuleResult:
    names = rule.categories()
    if names:
        _, geoms = features.pick(names)
        width = float(rule.params.get("path_width_m", DEFAULT_PATH_WIDTH_M))
        lines = shapely.get_dimensions(geoms) == 1 if len(geoms) else np.zeros(0, bool)
        geoms = geoms.copy()
        geoms[lines] = shapely.buffer(geoms[lines], width / 2, cap_style="flat")
        area_geom = shapely.intersection(shapely.union_all(geoms), site.frame.boundary) if len(geoms) else _EMPTY
    else:
        area_geom = site.frame.boundary
    area = float(area_geom.area)
    if area <= _EPS:
        return RuleResult(rule, "n/a", None, None)
    required = float(math.ceil(area / rule.required() - 1e-6))
    _, points = features.pick(rule.categories("amenity"))
    near = float(rule.params.get("near_m", DEFAULT_NEAR_M))
    count = int((shapely.distance(points, area_geom) <= near + _EPS).sum()) if len(points) else 0
    if count >= required:
        return RuleResult(rule, "pass", float(count), required)
    return RuleResult(rule, "fail", float(count), required, area_geom)


def _paths_connect(rule: Rule, features: _Features, site: Site) -> RuleResult:
    entrances = site_entrances(site)
    if not entrances:
        return RuleResult(rule, "n/a", None, None)
    required = float(len(entrances))
    points = np.array([p for _, p in entrances], dtype=object)
    _, network = features.pick(rule.categories() or ("walkway",))
    if not len(network):
        return RuleResult(rule, "fail", 0.0, required, _collection(points))
    parts = shapely.get_parts(shapely.union_all(shapely.buffer(network, _JOIN_M)))
    snap = float(rule.params.get("snap_m", DEFAULT_SNAP_M))
    entrance_index, part_index = shapely.STRtree(parts).query(points, predicate="dwithin", distance=snap)
    # Components one entrance touches are joined through it: a small union-find over the parts.
    parent = list(range(len(parts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[int, int] = {}
    for e, p in zip(entrance_index.tolist(), part_index.tolist(), strict=True):
        if e in first:
            parent[root(p)] = root(first[e])
        else:
            first[e] = p
    groups: dict[int, set[int]] = {}
    for e, p in first.items():
        groups.setdefault(root(p), set()).add(e)
    best = max(groups.values(), key=len, default=set())
    if len(best) == len(entrances):
        return RuleResult(rule, "pass", required, required)
    missed = [p for i, p in enumerate(points.tolist()) if i not in best]
    return RuleResult(rule, "fail", float(len(best)), required, _collection(missed))


def _nominal(rule: Rule) -> float | None:
    """The required number when nothing is measured (counts and entrances depend on the concept)."""
    return None if rule.kind in ("min_count_per_area", "paths_connect") else rule.required()


_KINDS = {
    "min_share": _share_or_area,
    "max_share": _share_or_area,
    "min_area": _share_or_area,
    "max_area": _share_or_area,
    "min_distance": _min_distance,
    "max_distance": _max_distance,
    "min_count_per_area": _count_per_area,
    "paths_connect": _paths_connect,
}


def check_concept(concept: Concept, pack: RulePack, site: Site) -> NormReport:
    """Every rule of ``pack`` evaluated on ``concept``, in the site's metric CRS.

    Parameters
    ----------
    concept
        The concept (a team's, the plan or the vision).
    pack
        The rule pack.
    site
        The concept's site (its frame, context layers and entrances).

    Returns
    -------
    NormReport
        One :class:`RuleResult` per rule, in the pack's order; all ``n/a`` for an empty concept.
    """
    if not concept.features:
        return NormReport(pack, tuple(RuleResult(r, "n/a", None, _nominal(r)) for r in pack.rules))
    features = _features(concept, site)
    return NormReport(pack, tuple(_KINDS[rule.kind](rule, features, site) for rule in pack.rules))


def category_names(names: Sequence[str], lang: str) -> str:
    """Category ids (or context layers) as their names in one language, joined.

    Parameters
    ----------
    names
        Category ids, ``building`` or ``street``.
    lang
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The names, comma-separated.
    """
    from codesign.i18n import translate

    return ", ".join(
        translate(f"norms.context.{n}", lang) if n in CONTEXT_CATEGORIES else category(n).label(lang) for n in names
    )
