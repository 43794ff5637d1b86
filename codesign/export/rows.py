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
from codesign.analysis.session import SessionAnalysis
from codesign.domain.concept import Concept
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.taxonomy import categories
from codesign.i18n import LANGUAGES

__all__ = ["Row", "category_labels", "cluster_rows", "concept_rows", "consensus_face_rows", "measures", "place_rows"]

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
    """One row per feature of a concept, with its owner, category labels and measures.

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
                "geometry": feature.geometry,
            }
        )
    return rows


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
