"""The rows the GIS layers and the CSV tables share: concepts' features, consensus faces, clusters, places.

Each row is a dict of plain values; rows of a GIS layer also hold a WGS84 ``geometry``.
Category columns come with their labels in the three languages (``category_ru``,
``category_kk``, ``category_en``).

>>> category_labels("unassigned")["category_en"]
'Unassigned'
"""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from codesign.analysis.compare import category_label
from codesign.analysis.consensus import Consensus
from codesign.analysis.cost import feature_cost
from codesign.analysis.session import SessionAnalysis
from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.taxonomy import categories
from codesign.i18n import LANGUAGES

__all__ = [
    "Row",
    "category_labels",
    "cluster_rows",
    "concept_rows",
    "consensus_face_rows",
    "cost_columns",
    "measures",
    "place_rows",
    "provenance_columns",
]

#: One feature or table row: column -> value.
Row = dict[str, Any]
_ZONE_IDS = [c.id for c in categories("zone")]


def category_labels(cid: str) -> dict[str, str]:
    """A category's label in each language, as columns.

    Parameters
    ----------
    cid : str
        A category id or ``unassigned`` (which has no taxonomy entry).

    Returns
    -------
    dict of str to str
        ``category_ru``, ``category_kk``, ``category_en`` -> the label.
    """
    return {f"category_{lang}": category_label(cid, lang) for lang in LANGUAGES}


def measures(geom: BaseGeometry, analysis: SessionAnalysis) -> tuple[float, float]:
    """Area and length of a lon/lat geometry, measured in the site's metric CRS.

    Parameters
    ----------
    geom : BaseGeometry
        A geometry in lon/lat.
    analysis : SessionAnalysis
        The analysis (its site's metric frame).

    Returns
    -------
    tuple of float
        Area (m²) and length (m; the perimeter for polygons), to the centimetre.
    """
    metric = analysis.frame.to_metric(geom)
    return round(float(metric.area), 2), round(float(metric.length), 2)


def concept_rows(owner: str, concept: Concept, analysis: SessionAnalysis) -> list[Row]:
    """One row per feature of a concept: owner, category labels, measures, cost; the vision's provenance.

    Parameters
    ----------
    owner : str
        A team id, ``plan`` or ``vision``.
    concept : Concept
        The concept.
    analysis : SessionAnalysis
        The analysis (the team's name, the metric frame).

    Returns
    -------
    list of Row
        Rows with a lon/lat ``geometry``.
    """
    team_name = "" if owner in (PLAN_OWNER, VISION_OWNER) else analysis.session.team(owner).name
    rows = []
    for feature in concept.features:
        area, length = measures(feature.geometry, analysis)
        rows.append(
            {
                "owner": owner,
                "team_name": team_name,
                "concept_title": concept.title,
                "version": concept.version,
                "feature_id": feature.id,
                "kind": feature.kind,
                "category": feature.category,
                **category_labels(feature.category),
                "label": feature.label,
                "note": feature.note,
                "area_m2": area,
                "length_m": 0.0 if feature.kind == "amenity" else length,
                "illustrative": concept.illustrative,
                **cost_columns(feature, analysis),
                **(provenance_columns(feature, analysis) if owner == VISION_OWNER else {}),
                "geometry": feature.geometry,
            }
        )
    return rows


def cost_columns(feature: ConceptFeature, analysis: SessionAnalysis) -> Row:
    """A feature's own quantity and cost with the session's price list (:func:`~codesign.analysis.cost.feature_cost`).

    Parameters
    ----------
    feature : ConceptFeature
        The feature.
    analysis : SessionAnalysis
        The analysis (its price list and metric frame).

    Returns
    -------
    Row
        ``quantity``, ``unit`` (m2, m, pcs), ``unit_price`` and ``cost`` (None without a price),
        ``currency``, ``prices_illustrative``.
    """
    prices = analysis.costing.prices
    line = feature_cost(feature, analysis.frame, prices)
    return {
        "quantity": round(line.quantity, 2),
        "unit": line.unit,
        "unit_price": line.unit_price,
        "cost": None if line.cost is None else round(line.cost, 2),
        "currency": prices.currency,
        "prices_illustrative": prices.illustrative,
    }


def provenance_columns(feature: ConceptFeature, analysis: SessionAnalysis) -> Row:
    """Where a feature of the joint vision came from, as columns (empty for one without provenance).

    Parameters
    ----------
    feature : ConceptFeature
        A feature of the joint vision.
    analysis : SessionAnalysis
        The analysis (the teams' names).

    Returns
    -------
    Row
        ``origin`` (consensus, room, or "" when unknown), ``edited``, ``teams`` (ids), ``team_names``,
        ``support`` and ``voices`` (k of N), ``votes``, ``ground_votes``, ``plan_same_use`` (yes,
        no, or "" without a plan) and ``plan_use``.
    """
    p = feature.provenance
    names = {team.id: team.name for team in analysis.session.teams}
    if p is None:
        return {
            "origin": "",
            "edited": "",
            "teams": "",
            "team_names": "",
            "support": None,
            "voices": None,
            "votes": None,
            "ground_votes": None,
            "plan_same_use": "",
            "plan_use": "",
        }
    return {
        "origin": p.origin,
        "edited": "yes" if p.edited else "no",
        "teams": ", ".join(p.teams),
        "team_names": ", ".join(names.get(t, t) for t in p.teams),
        "support": p.support if p.origin == "consensus" else None,
        "voices": p.voices if p.origin == "consensus" else None,
        "votes": p.votes if p.origin == "consensus" else None,
        "ground_votes": p.ground_votes if p.origin == "consensus" else None,
        "plan_same_use": "" if p.plan_same_use is None else "yes" if p.plan_same_use else "no",
        "plan_use": p.plan_use,
    }


def consensus_face_rows(consensus: Consensus) -> list[Row]:
    """Consensus faces dissolved by majority, state and counts (one row per distinct combination).

    Parameters
    ----------
    consensus : Consensus
        The consensus.

    Returns
    -------
    list of Row
        Rows with the counts per used zone category (``n_<category>``) and a lon/lat ``geometry``.
    """
    frame = consensus.frame
    groups: dict[tuple[str, str, tuple[int, ...]], list[int]] = {}
    for i, (state, cid) in enumerate(zip(consensus.states, consensus.majority, strict=True)):
        groups.setdefault((cid, state, tuple(int(n) for n in consensus.counts[i])), []).append(i)
    used = [j for j, cid in enumerate(_ZONE_IDS) if consensus.counts[:, j].any()]
    rows = []
    for (cid, state, counts), idx in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])):
        metric = shapely.union_all(consensus.faces[idx])
        top = max(counts)
        rows.append(
            {
                "majority": cid,
                **category_labels(cid),
                "state": state,
                "share": round(top / consensus.n, 4),
                "voices": consensus.n,
                **{f"n_{_ZONE_IDS[j]}": counts[j] for j in used},
                "area_m2": round(float(metric.area), 2),
                "geometry": frame.to_lonlat(metric),
            }
        )
    return rows


def cluster_rows(analysis: SessionAnalysis) -> list[Row]:
    """One row per amenity cluster of the consensus, supported or not.

    Parameters
    ----------
    analysis : SessionAnalysis
        The analysis.

    Returns
    -------
    list of Row
        Rows with a lon/lat point ``geometry``.
    """
    consensus = analysis.consensus
    return [
        {
            "type": c.category,
            **category_labels(c.category),
            "support": round(c.support, 4),
            "teams": ", ".join(c.teams),
            "team_count": len(c.teams),
            "voices": consensus.n,
            "points": c.points,
            "supported": c.support >= consensus.threshold - 1e-9,
            "lon": c.lon,
            "lat": c.lat,
            "geometry": shapely.Point(c.lon, c.lat),
        }
        for c in consensus.clusters
    ]


def place_rows(analysis: SessionAnalysis, which: str) -> list[Row]:
    """One row per place residents ask for (``asks``) or where the plan agrees (``agreements``).

    Parameters
    ----------
    analysis : SessionAnalysis
        The analysis.
    which : str
        ``asks`` or ``agreements``.

    Returns
    -------
    list of Row
        Rows numbered from 1 as in the report, with a lon/lat ``geometry``.
    """
    places = analysis.asks if which == "asks" else analysis.agreements
    return [
        {
            "number": number,
            "category": p.category,
            **category_labels(p.category),
            "area_m2": round(p.area_m2, 2),
            "teams": round(p.teams, 2),
            "voices": analysis.consensus.n,
            "direction": p.direction,
            "plan_category": p.plan_category,
            "lon": p.lon,
            "lat": p.lat,
            "geometry": analysis.frame.to_lonlat(p.geometry),
        }
        for number, p in enumerate(places, start=1)
    ]
