"""Consensus across all teams' concepts, and the joint vision drawn from it.

Agreement faces, k-of-N maps, Fleiss' kappa and amenity clusters.

All zone boundaries of all teams are noded together, polygonized into atomic *faces*, and
each face is counted with one vectorised STRtree query of an interior point: how many teams
give it each category. Where a team's own zones overlap, the later one decides (the rule of
:func:`codesign.analysis.compare.categorical_map`), so a team counts at most once per spot:
see :mod:`codesign.analysis.overlay`.

A face is **agreed** when its top category has a unique majority of at least ``threshold``
of the N voices and at least two voices back it, **contested** when two or more categories
have support without such a majority, **single** when only one use was proposed for it but
by too few voices (often a single team). Faces no team designs are not faces: the rest of the site is *unassigned*.

>>> round(fleiss_kappa([[3, 0], [0, 3]]), 3)
1.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from codesign.analysis.clusters import DEFAULT_CLUSTER_DISTANCE_M, AmenityCluster, cluster_amenities
from codesign.analysis.compare import categorical_map
from codesign.analysis.overlay import overlay_faces, voice_zones
from codesign.analysis.provenance import ProvenanceContext
from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.geometry import MetricFrame
from codesign.domain.notices import Notice
from codesign.domain.taxonomy import categories
from codesign.domain.votes import Vote

__all__ = [
    "DEFAULT_CLUSTER_DISTANCE_M",
    "DEFAULT_THRESHOLD",
    "STATES",
    "AmenityCluster",
    "Consensus",
    "build_consensus",
    "cluster_amenities",
    "consensus_sentences",
    "describe_finding",
    "direction",
    "fleiss_kappa",
    "joint_vision",
]

DEFAULT_THRESHOLD = 0.5
STATES = ("agreed", "contested", "single")
_ZONE_IDS = [c.id for c in categories("zone")]


@dataclass(frozen=True)
class Consensus:
    """The overlay of N voices (teams, and the plan if asked) on one site."""

    voices: tuple[str, ...]
    threshold: float
    faces: np.ndarray  # metric polygons (shapely), one per face
    areas: np.ndarray  # m² per face
    counts: np.ndarray  # faces x zone categories: how many voices give the face that category
    states: tuple[str, ...]  # per face: agreed | contested | single
    majority: tuple[str, ...]  # per face: the top category (ties broken by taxonomy order)
    share: np.ndarray  # per face: top count / N
    fleiss_kappa: float | None
    clusters: tuple[AmenityCluster, ...]
    site_area_m2: float
    frame: MetricFrame = field(repr=False)

    @property
    def n(self) -> int:
        """Number of voices.

        Returns
        -------
        int
            How many concepts were overlaid.
        """
        return len(self.voices)

    def area_in(self, state: str) -> float:
        """Total m² of the faces in one state.

        Parameters
        ----------
        state : str
            ``agreed``, ``contested`` or ``single``.

        Returns
        -------
        float
            The area, m².
        """
        return float(sum(a for a, s in zip(self.areas, self.states, strict=True) if s == state))

    def k_of_n(self) -> dict[str, dict[int, float]]:
        """Category -> k -> m² that at least k voices give that category (k = 1..N).

        Returns
        -------
        dict of str to dict of int to float
            Zone categories that some voice uses, in taxonomy order.
        """
        result: dict[str, dict[int, float]] = {}
        for j, cid in enumerate(_ZONE_IDS):
            column = self.counts[:, j]
            if not column.any():
                continue
            result[cid] = {k: float(self.areas[column >= k].sum()) for k in range(1, self.n + 1)}
        return result

    def at_least(self, category_id: str, k: int) -> tuple[BaseGeometry, float]:
        """The ground at least ``k`` voices give a zone category, and its area.

        Parameters
        ----------
        category_id : str
            A zone category.
        k : int
            How many voices at least (1..N).

        Returns
        -------
        tuple of (BaseGeometry, float)
            The ground in metres (empty when there is none) and its area in m².
        """
        chosen = self.counts[:, _ZONE_IDS.index(category_id)] >= k
        return shapely.union_all(self.faces[chosen]), float(self.areas[chosen].sum())

    def supported_clusters(self) -> list[AmenityCluster]:
        """Amenity clusters whose support reaches the threshold.

        Returns
        -------
        list of AmenityCluster
            In the order of :attr:`clusters` (most support first).
        """
        return [c for c in self.clusters if c.support >= self.threshold - 1e-9]

    def to_json(self) -> dict[str, Any]:
        """The documented JSON form (see docs/consensus-format.md).

        Returns
        -------
        dict of str to Any
            The consensus as plain JSON values.
        """
        return {
            "voices": list(self.voices),
            "threshold": self.threshold,
            "site_area_m2": round(self.site_area_m2, 2),
            "designed_m2": round(float(self.areas.sum()), 2),
            "agreed_m2": round(self.area_in("agreed"), 2),
            "contested_m2": round(self.area_in("contested"), 2),
            "single_m2": round(self.area_in("single"), 2),
            "faces": len(self.states),
            "fleiss_kappa": None if self.fleiss_kappa is None else round(self.fleiss_kappa, 4),
            "k_of_n": {cid: {str(k): round(v, 2) for k, v in ks.items()} for cid, ks in self.k_of_n().items()},
            "amenity_clusters": [
                {
                    "type": c.category,
                    "support": round(c.support, 4),
                    "teams": list(c.teams),
                    "points": c.points,
                    "lon": c.lon,
                    "lat": c.lat,
                }
                for c in self.clusters
            ],
        }


def build_consensus(
    concepts: Sequence[Concept],
    frame: MetricFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    cluster_distance_m: float = DEFAULT_CLUSTER_DISTANCE_M,
) -> Consensus:
    """Overlay the concepts (each one voice) into faces and count their categories.

    Parameters
    ----------
    concepts : Sequence of Concept
        The voices (usually every team's latest concept).
    frame : MetricFrame
        The site's metric frame.
    threshold : float
        Share of the voices, in (0, 1], at which a face's majority counts as agreed.
    cluster_distance_m : float
        Amenities of one type this close (m) join one cluster.

    Returns
    -------
    Consensus
        Faces, counts, states, Fleiss' kappa and amenity clusters.

    Raises
    ------
    ValueError
        When ``threshold`` is outside (0, 1].
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    voices = tuple(c.team for c in concepts)
    n = len(voices)
    polys, voice, cats = voice_zones(concepts, frame, _ZONE_IDS)
    faces, counts = overlay_faces(polys, voice=voice, category=cats, categories=len(_ZONE_IDS))
    areas = shapely.area(faces)
    states, majority, share = _classify(counts, n, threshold)
    clusters = cluster_amenities(concepts, frame, cluster_distance_m)
    kappa = fleiss_kappa(_fleiss_table(counts, n), weights=_fleiss_weights(areas, frame.area_m2)) if n > 1 else None
    return Consensus(
        voices,
        threshold,
        faces,
        np.asarray(areas, dtype=float),
        counts,
        states,
        majority,
        share,
        kappa,
        clusters,
        frame.area_m2,
        frame,
    )


def _classify(counts: np.ndarray, n: int, threshold: float) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray]:
    if len(counts) == 0:
        return (), (), np.empty(0)
    top = counts.argmax(axis=1)  # first maximum = taxonomy order breaks ties
    top_count = counts[np.arange(len(counts)), top]
    second = np.sort(counts, axis=1)[:, -2] if counts.shape[1] > 1 else np.zeros(len(counts), dtype=np.int32)
    share = top_count / n
    supported = (counts > 0).sum(axis=1)
    voices = counts.sum(axis=1)
    # one voice alone is never agreement (unless it is the only voice there is)
    agreed = (share >= threshold - 1e-9) & (top_count > second) & ((voices >= 2) | (n == 1))
    states = np.where(agreed, "agreed", np.where(supported >= 2, "contested", "single"))
    return tuple(states.tolist()), tuple(_ZONE_IDS[i] for i in top), share


def _fleiss_table(counts: np.ndarray, n: int) -> np.ndarray:
    """Faces plus the undesigned rest of the site, x categories plus 'unassigned'."""
    unassigned = n - counts.sum(axis=1, keepdims=True)
    table = np.hstack([counts, unassigned])
    rest = np.zeros((1, table.shape[1]), dtype=table.dtype)
    rest[0, -1] = n
    return np.vstack([table, rest])


def _fleiss_weights(areas: np.ndarray, site_area: float) -> np.ndarray:
    return np.append(areas, max(site_area - float(np.sum(areas)), 0.0))


def fleiss_kappa(
    table: Sequence[Sequence[float]] | np.ndarray, weights: Sequence[float] | np.ndarray | None = None
) -> float:
    """Fleiss' kappa for subjects x categories counts (each row sums to the raters n).

    ``weights`` weigh the subjects (here: face areas). By hand for the table below:
    P_i = 1, 1, 1/3, 1 so P = 10/12; p_j = 4/12, 5/12, 3/12 so Pe = 50/144;
    kappa = (10/12 - 50/144) / (1 - 50/144) = 70/94.

    >>> round(fleiss_kappa([[0, 0, 3], [0, 3, 0], [1, 2, 0], [3, 0, 0]]), 4)
    0.7447

    Parameters
    ----------
    table : Sequence of Sequence of float, or numpy.ndarray
        Subjects x categories: how many raters put each subject in each category.
    weights : Sequence of float, or numpy.ndarray, or None
        A weight per subject (None: all equal); subjects of weight 0 are left out.

    Returns
    -------
    float
        The kappa; NaN with fewer than two raters or no weight.
    """
    t = np.asarray(table, dtype=float)
    n = t[0].sum()
    w = np.ones(len(t)) if weights is None else np.asarray(weights, dtype=float)
    keep = w > 0
    t, w = t[keep], w[keep]
    if n < 2 or w.sum() == 0:
        return float("nan")
    p_i = ((t**2).sum(axis=1) - n) / (n * (n - 1))
    p_bar = float((w * p_i).sum() / w.sum())
    p_j = (w[:, None] * t).sum(axis=0) / (n * w.sum())
    p_e = float((p_j**2).sum())
    if np.isclose(p_e, 1.0):
        return 1.0 if np.isclose(p_bar, 1.0) else 0.0
    return (p_bar - p_e) / (1 - p_e)


def joint_vision(
    consensus: Consensus,
    *,
    site: str,
    team: str = "vision",
    title: str = "",
    concepts: Sequence[Concept] = (),
    plan: Concept | None = None,
    votes: Iterable[Vote] = (),
) -> Concept:
    """A concept from the consensus, each feature with its provenance.

    The agreed faces merged by majority category, plus the supported amenity clusters at
    their median location. Every feature carries where it came from
    (:class:`~codesign.domain.provenance.Provenance`, worked out by
    :mod:`codesign.analysis.provenance`): the teams behind it, support k of N, dot votes, and
    whether the plan has the same use there.

    Parameters
    ----------
    consensus : Consensus
        The teams' consensus.
    site : str
        The site id of the new concept.
    team : str
        Its owner.
    title : str
        Its title.
    concepts : Sequence of Concept
        The voices' concepts the consensus was built from (for the teams behind each feature).
    plan : Concept or None
        The akimat's plan (for "the plan has the same use there").
    votes : Iterable of Vote
        The session's dot votes.

    Returns
    -------
    Concept
        The joint vision's first draft.
    """
    frame = consensus.frame
    context = ProvenanceContext(consensus, concepts, plan, votes)
    features: list[ConceptFeature] = []
    by_category: dict[str, list[BaseGeometry]] = {}
    for face, state, cid in zip(consensus.faces, consensus.states, consensus.majority, strict=True):
        if state == "agreed":
            by_category.setdefault(cid, []).append(face)
    for cid in sorted(by_category, key=_ZONE_IDS.index):
        merged = shapely.union_all(by_category[cid])
        for part in shapely.get_parts(merged):
            part = shapely.make_valid(part)
            if part.geom_type == "Polygon" and part.area >= 1.0:
                lonlat = shapely.orient_polygons(frame.to_lonlat(part), exterior_cw=False)
                origin = context.zone(cid, part)
                features.append(ConceptFeature(f"f{len(features) + 1}", cid, lonlat, provenance=origin))
    for cluster in consensus.supported_clusters():
        point = shapely.Point(cluster.lon, cluster.lat)
        origin = context.amenity(cluster)
        features.append(ConceptFeature(f"f{len(features) + 1}", cluster.category, point, provenance=origin))
    return Concept(
        site=site,
        team=team,
        title=title,
        features=tuple(features),
        source={"from": "consensus", "voices": list(consensus.voices), "threshold": consensus.threshold},
    )


_DIRECTIONS = ("e", "ne", "n", "nw", "w", "sw", "s", "se")


def direction(region: BaseGeometry, site: BaseGeometry) -> str:
    """Where ``region`` lies in ``site`` (both in metres): n, ne, ..., centre, or spread.

    >>> direction(shapely.box(80, 80, 90, 90), shapely.box(0, 0, 100, 100))
    'ne'

    Parameters
    ----------
    region : BaseGeometry
        The ground, metres.
    site : BaseGeometry
        The site's boundary, metres.

    Returns
    -------
    str
        One of eight compass points, ``centre`` or ``spread``.
    """
    if shapely.convex_hull(region).area > 0.6 * site.area:
        return "spread"
    c, s = region.centroid, site.centroid
    dx, dy = c.x - s.x, c.y - s.y
    if math.hypot(dx, dy) < 0.15 * math.sqrt(site.area):
        return "centre"
    return _DIRECTIONS[round(math.degrees(math.atan2(dy, dx)) / 45) % 8]


def consensus_sentences(consensus: Consensus, plan: Concept | None = None, limit: int = 5) -> list[Notice]:
    """Plain findings, largest first, as message keys with values.

    ``consensus.sentence.agreed`` (count, n, category, direction, area, and ``plan`` when the
    plan differs there) and ``consensus.sentence.contested`` (area, a, b).

    Parameters
    ----------
    consensus : Consensus
        The consensus.
    plan : Concept or None
        The akimat's plan, to say where it differs from agreed ground.
    limit : int
        How many findings at most.

    Returns
    -------
    list of Notice
        The findings (:func:`describe_finding` puts them in words).
    """
    frame = consensus.frame
    plan_map = categorical_map(plan, frame) if plan is not None else {}
    found: list[tuple[float, Notice]] = []
    agreed: dict[str, list[int]] = {}
    for i, (state, cid) in enumerate(zip(consensus.states, consensus.majority, strict=True)):
        if state == "agreed":
            agreed.setdefault(cid, []).append(i)
    for cid, idx in agreed.items():
        area = float(consensus.areas[idx].sum())
        if area < 50:
            continue
        region = shapely.union_all(consensus.faces[idx])
        count = round(float(np.average(consensus.counts[idx, _ZONE_IDS.index(cid)], weights=consensus.areas[idx])))
        params: dict[str, object] = {
            "count": count,
            "n": consensus.n,
            "category": cid,
            "direction": direction(region, frame.boundary),
            "area": area,
        }
        there = {c: float(shapely.intersection(g, region).area) for c, g in plan_map.items()}
        top = max(there, key=there.__getitem__, default=None)
        key = "consensus.sentence.agreed"
        if plan is not None and top is not None and top != cid and there[top] >= 0.3 * area:
            key, params["plan"] = "consensus.sentence.agreed_plan_differs", top
        found.append((area, Notice(key, params)))
    contested = [i for i, s in enumerate(consensus.states) if s == "contested"]
    if contested:
        area = float(consensus.areas[contested].sum())
        totals = (consensus.counts[contested] * consensus.areas[contested, None]).sum(axis=0)
        a, b = (_ZONE_IDS[j] for j in np.argsort(-totals)[:2])
        found.append((area * 0.8, Notice("consensus.sentence.contested", {"area": area, "a": a, "b": b})))
    found.sort(key=lambda item: -item[0])
    return [notice for _, notice in found[:limit]]


def describe_finding(notice: Notice, lang: str) -> str:
    """A consensus sentence in ``lang`` with labels, directions and areas filled in.

    Parameters
    ----------
    notice : Notice
        A finding of :func:`consensus_sentences`.
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The sentence.
    """
    from codesign.domain.taxonomy import category
    from codesign.i18n import format_number, translate

    params = dict(notice.params)
    for key in ("category", "plan", "a", "b"):
        if key in params:
            params[key] = category(str(params[key])).label(lang)
    if "direction" in params:
        params["direction"] = translate(f"consensus.direction.{params['direction']}", lang)
    params["area"] = format_number(float(cast(float, params["area"])), lang)
    return translate(notice.key, lang, **params)
