"""The report's maps of a session's analysis: agreement with the plan, the consensus, the places.

Each function draws one :class:`~codesign.render.mpl_map.SiteMap` at a size on paper (mm) and
returns it as PNG bytes, in the style of :mod:`codesign.render.styles` (the same colours and
opacity rule as the app's maps).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import shapely
from shapely import Point
from shapely.geometry.base import BaseGeometry

from codesign.analysis.compare import AGREEMENT_STATES, agreement_map
from codesign.analysis.session import Place, SessionAnalysis
from codesign.domain.concept import Concept
from codesign.domain.taxonomy import categories, category
from codesign.i18n import translate
from codesign.render.mpl_map import SiteMap, legend_width_mm
from codesign.render.styles import (
    AGREEMENT_COLOURS,
    AGREEMENT_OPACITY_PAPER,
    agreement_opacity,
    cluster_area_pt2,
    is_hatched,
    share_step,
)

__all__ = ["render_consensus_map", "render_overlay_map", "render_places_map"]

#: The hatching of contested ground on paper.
HATCH = "////"
#: Opacity of the category swatches in the consensus map's legend.
_LEGEND_OPACITY = 0.75


def render_overlay_map(
    analysis: SessionAnalysis, concept: Concept, name: str, lang: str, size_mm: tuple[float, float]
) -> bytes:
    """Where a concept and the plan give the same use, a different one, or only one designs.

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis (it must hold the plan).
    concept : Concept
        The concept set against the plan.
    name : str
        The concept's name in the legend (plain text).
    lang : str
        The legend's language.
    size_mm : tuple of float
        Width and height on paper, mm.

    Returns
    -------
    bytes
        The PNG.

    Raises
    ------
    ValueError
        When the session has no plan.
    """
    if analysis.plan is None:
        raise ValueError("the overlay map needs the plan")
    site_map = SiteMap(analysis.site, lang, size_mm, legend_width_mm(size_mm))
    states = agreement_map(concept, analysis.plan, analysis.frame)
    labels = {
        "same": translate("compare.state.same", lang),
        "a_only": translate("compare.state.a_only", lang, name=name),
        "b_only": translate("compare.state.b_only", lang, name=translate("compare.plan", lang)),
        "different": translate("compare.state.different", lang),
    }
    shown = [s for s in AGREEMENT_STATES if s in states]
    site_map.zones(
        [analysis.frame.to_metric(states[s]) for s in shown],
        [AGREEMENT_COLOURS[s] for s in shown],
        alpha=AGREEMENT_OPACITY_PAPER,
    )
    for state in shown:
        site_map.legend_patch(AGREEMENT_COLOURS[state], labels[state], alpha=AGREEMENT_OPACITY_PAPER)
    return site_map.png()


def render_consensus_map(analysis: SessionAnalysis, lang: str, size_mm: tuple[float, float]) -> bytes:
    """Majority colour, opacity by the share of teams, contested ground hatched, amenity clusters.

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.
    lang : str
        The legend's language.
    size_mm : tuple of float
        Width and height on paper, mm.

    Returns
    -------
    bytes
        The PNG.
    """
    result = analysis.consensus
    site_map = SiteMap(analysis.site, lang, size_mm, legend_width_mm(size_mm))
    groups: dict[tuple[bool, str, float], list[BaseGeometry]] = {}
    for face, state, cid, share in zip(result.faces, result.states, result.majority, result.share, strict=True):
        groups.setdefault((is_hatched(state), cid, share_step(share)), []).append(face)
    plain = [(k, v) for k, v in sorted(groups.items()) if not k[0]]
    hatched = [(k, v) for k, v in sorted(groups.items()) if k[0]]
    for chosen, hatch in ((plain, None), (hatched, HATCH)):
        if chosen:
            site_map.zones(
                [shapely.union_all(faces) for _, faces in chosen],
                [category(cid).colour for (_, cid, _), _ in chosen],
                alpha=[agreement_opacity(share) for (_, _, share), _ in chosen],
                edge="#444444" if hatch else "none",  # the hatching takes the edge colour
                linewidth=0,
                hatch=hatch,
            )
    for cluster in result.supported_clusters():
        point = cast(Point, analysis.frame.to_metric(Point(cluster.lon, cluster.lat)))
        site_map.points([(point.x, point.y)], cluster.category, size=cluster_area_pt2(cluster.support))
    present_zones = set(result.majority)
    for cat in categories("zone"):
        if cat.id in present_zones:
            site_map.legend_patch(cat.colour, cat.label(lang), alpha=_LEGEND_OPACITY, icon=cat.icon)
    if any(is_hatched(state) for state in result.states):
        site_map.legend_patch("#ffffff", translate("consensus.contested", lang), alpha=1.0, hatch=HATCH, edge="#555555")
    for cid in dict.fromkeys(c.category for c in result.supported_clusters()):
        site_map.legend_marker(cid, category(cid).label(lang))
    return site_map.png(note=translate("consensus.legend", lang))


def render_places_map(
    analysis: SessionAnalysis, places: Sequence[Place], outline: str, lang: str, size_mm: tuple[float, float]
) -> bytes:
    """The plan faded underneath, the places in their category colour, outlined and numbered.

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.
    places : Sequence of Place
        The places, numbered from 1 in this order.
    outline : str
        Their outline and number colour (:data:`~codesign.render.styles.ASK_OUTLINE` or
        :data:`~codesign.render.styles.AGREE_OUTLINE`).
    lang : str
        The legend's language.
    size_mm : tuple of float
        Width and height on paper, mm.

    Returns
    -------
    bytes
        The PNG.
    """
    site_map = SiteMap(analysis.site, lang, size_mm, legend_width_mm(size_mm))
    plan_items = list(analysis.plan_map.items())
    site_map.zones(
        [g for _, g in plan_items], [category(c).colour for c, _ in plan_items], alpha=0.3, edge="none", zorder=2
    )
    site_map.zones(
        [p.geometry for p in places], [category(p.category).colour for p in places], edge=outline, linewidth=1.3
    )
    for number, place in enumerate(places, start=1):
        point = shapely.point_on_surface(place.geometry)
        site_map.number(point.x, point.y, str(number), outline)
    for cid in dict.fromkeys(p.category for p in places):
        site_map.legend_patch(category(cid).colour, category(cid).label(lang), edge=outline, icon=category(cid).icon)
    site_map.legend_patch("#bbbbbb", translate("report.map.plan_faded", lang), alpha=0.4, edge="none")
    return site_map.png()
