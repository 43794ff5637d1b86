"""The report's findings: each concept against the plan, the consensus, and the places.

Each section takes the :class:`~codesign.report.writer.ReportWriter` and adds its pages: a map
(:mod:`codesign.render.analysis_maps`) with a column of figures beside it, then its tables.
"""

from __future__ import annotations

from codesign.analysis.compare import Comparison, describe
from codesign.analysis.consensus import DEFAULT_CLUSTER_DISTANCE_M, STATES, consensus_sentences, describe_finding
from codesign.analysis.session import MIN_PLACE_M2, MIN_PLACE_WIDTH_M
from codesign.domain.concept import Concept
from codesign.i18n import format_number
from codesign.render.analysis_maps import render_consensus_map, render_overlay_map, render_places_map
from codesign.render.styles import AGREE_OUTLINE, ASK_OUTLINE
from codesign.render.text import NO_VALUE, format_kappa, format_percent
from codesign.report.writer import MAX_LISTED, ReportWriter

__all__ = ["comparison_pages", "consensus_pages", "places_page"]


# ============================================================================ a concept against the plan


def comparison_pages(w: ReportWriter, owner: str, concept: Concept) -> None:
    """A concept against the plan: the agreement map and figures, plan-zone outcomes, amenities, paths.

    Nothing when there is no plan (no comparison).

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    owner : str
        A team id or ``vision``.
    concept : Concept
        Its concept.
    """
    result = w.a.comparisons.get(owner)
    if result is None:
        return
    pdf, lang = w.pdf, w.lang
    name = w.name(owner)
    pdf.page()
    pdf.heading(w.t("report.compare.heading", name=name))
    pdf.paragraph(
        w.t(
            "report.compare.summary",
            agreement=format_percent(result.agreement, lang),
            designed=w.area(result.designed_m2),
            kappa=format_kappa(result.kappa, lang),
        )
    )
    sentences = [describe(n, lang) for n in result.sentences()]

    def side(x: float, width: float) -> None:
        if sentences:
            pdf.subheading(w.t("compare.main_differences"), width)
            pdf.bullets(sentences, width)
        _category_table(w, result, x, width)

    w.map_with_side(lambda size: render_overlay_map(w.a, concept, name, lang, size), side, share=0.5)
    _zone_outcomes_table(w, result)
    _amenities_table(w, result)
    _paths_table(w, result)


def _category_table(w: ReportWriter, result: Comparison, x: float, width: float) -> None:
    """Zone area per category in the concept, the plan and both, with the IoU."""
    rows = [
        [w.label(cid), w.area(f.a_m2), w.area(f.b_m2), w.area(f.intersection_m2), format_number(f.iou, w.lang, 2)]
        for cid, f in result.categories.items()
    ]
    if rows:
        w.pdf.table(
            [
                w.t("figures.category"),
                w.t("report.col.concept_m2"),
                w.t("report.col.plan_m2"),
                w.t("report.col.both_m2"),
                w.t("compare.iou"),
            ],
            rows,
            (2.6, 1.3, 1.3, 1.3, 0.9),
            x=x,
            width=width,
            size=7.5,
        )


def _zone_outcomes_table(w: ReportWriter, result: Comparison) -> None:
    """What the concept does with each plan zone: kept, replaced, dropped, moved."""
    w.pdf.subheading(w.t("report.compare.outcomes", **result.outcome_counts()))
    rows = []
    for zone in result.zones:
        there = ", ".join(f"{w.label(c)} {format_percent(s, w.lang)}" for c, s in list(zone.shares.items())[:3])
        if zone.outcome == "moved":
            there += "; " + w.t("report.compare.moved_elsewhere", area=w.area(zone.moved_m2))
        rows.append(
            [
                f"{zone.id} · {w.label(zone.category)}",
                w.area(zone.area_m2),
                w.t(f"compare.outcome.{zone.outcome}"),
                there or NO_VALUE,
            ]
        )
    if rows:
        w.pdf.table(
            [w.t("compare.zone"), w.t("report.col.area_m2"), w.t("compare.outcome"), w.t("compare.there")],
            rows,
            (2.2, 1.0, 1.0, 5.0),
            align="LRLL",
        )


def _amenities_table(w: ReportWriter, result: Comparison) -> None:
    """Amenity counts per type in the concept and the plan, and how many were matched."""
    if not result.amenity_counts:
        return
    matched = result.matched_counts()
    w.pdf.subheading(
        w.t(
            "report.compare.amenities",
            matched=len(result.matches),
            distance=format_number(result.match_distance_m, w.lang, 0),
            new=len(result.new_amenities),
            missing=len(result.missing_amenities),
        )
    )
    rows = [[w.label(cid), str(na), str(nb), str(matched[cid])] for cid, (na, nb) in result.amenity_counts.items()]
    w.pdf.table(
        [
            w.t("report.col.amenity"),
            w.t("report.col.concept_count"),
            w.t("report.col.plan_count"),
            w.t("compare.matched"),
        ],
        rows,
        (3, 1, 1, 1),
        width=w.pdf.epw * 0.6,
    )


def _paths_table(w: ReportWriter, result: Comparison) -> None:
    """Path length per type in the concept and the plan."""
    if not result.path_length_m:
        return
    w.pdf.subheading(w.t("report.col.path"))
    rows = [
        [w.label(cid), format_number(la, w.lang, 0), format_number(lb, w.lang, 0)]
        for cid, (la, lb) in result.path_length_m.items()
    ]
    w.pdf.table(
        [w.t("report.col.path"), w.t("report.col.concept_m"), w.t("report.col.plan_m")],
        rows,
        (3, 1, 1),
        width=w.pdf.epw * 0.6,
    )


# ============================================================================ the consensus


def consensus_pages(w: ReportWriter) -> None:
    """The consensus: its map with the area in each state, k-of-N areas, amenity clusters.

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    """
    result, pdf, lang = w.a.consensus, w.pdf, w.lang
    pdf.page()
    pdf.heading(w.t("consensus.title"))
    names = ", ".join(w.name(v) for v in result.voices)
    pdf.paragraph(
        w.t("report.consensus.intro", n=result.n, names=names, threshold=format_percent(result.threshold, lang, 0))
    )
    if result.n == 1:
        pdf.paragraph(w.t("report.consensus.one_team"), colour=(170, 60, 0))
    w.map_with_side(lambda size: render_consensus_map(w.a, lang, size), lambda x, width: _consensus_column(w, x, width))
    _k_of_n_table(w)
    _clusters_table(w)


def _consensus_column(w: ReportWriter, x: float, width: float) -> None:
    """Beside the consensus map: the area in each state, Fleiss' kappa, the findings."""
    result, pdf, lang = w.a.consensus, w.pdf, w.lang
    designed = float(result.areas.sum())
    rows = [
        [
            w.t(f"consensus.{state}"),
            w.area(result.area_in(state)),
            format_percent(result.area_in(state) / designed if designed else 0, lang),
        ]
        for state in STATES
    ]
    rows.append([w.t("report.col.designed_m2"), w.area(designed), format_percent(1.0 if designed else 0, lang)])
    pdf.table(
        [w.t("report.col.state"), w.t("report.col.area_m2"), w.t("report.col.of_designed")],
        rows,
        (1.6, 1.2, 1.6),
        x=x,
        width=width,
    )
    pdf.paragraph(
        w.t(
            "report.consensus.kappa",
            kappa=format_kappa(result.fleiss_kappa, lang),
            faces=format_number(len(result.states), lang, 0),
        ),
        width,
    )
    sentences = [describe_finding(n, lang) for n in consensus_sentences(result, w.a.plan)]
    if sentences:
        pdf.subheading(w.t("compare.main_differences"), width)
        pdf.bullets(sentences, width)


def _k_of_n_table(w: ReportWriter) -> None:
    """The area at least k of the N voices give each category."""
    result, pdf = w.a.consensus, w.pdf
    k_of_n = result.k_of_n()
    if not k_of_n:
        return
    pdf.subheading(w.t("consensus.k_table"))
    ks = range(1, result.n + 1)
    rows = [[w.label(cid), *(w.area(by_k[k]) for k in ks)] for cid, by_k in k_of_n.items()]
    pdf.table(
        [w.t("figures.category"), *(f"k ≥ {k}" for k in ks)],
        rows,
        (3, *([1] * result.n)),
        width=min(pdf.epw, 60 + 18 * result.n),
        size=7.5 if result.n <= 8 else 6.5,
    )


def _clusters_table(w: ReportWriter) -> None:
    """The supported amenity clusters (at most :data:`MAX_LISTED`)."""
    result, pdf, lang = w.a.consensus, w.pdf, w.lang
    clusters = result.supported_clusters()
    pdf.subheading(
        w.t(
            "report.consensus.clusters",
            count=len(clusters),
            total=len(result.clusters),
            threshold=format_percent(result.threshold, lang, 0),
            distance=format_number(DEFAULT_CLUSTER_DISTANCE_M, lang, 0),
        )
    )
    if not clusters:
        return
    rows = [
        [
            w.label(c.category),
            w.t("report.k_of_n", k=len(c.teams), n=result.n),
            format_percent(c.support, lang),
            str(c.points),
            f"{c.lon:.6f}, {c.lat:.6f}",
            ", ".join(w.name(v) for v in c.teams),
        ]
        for c in clusters[:MAX_LISTED]
    ]
    pdf.table(
        [
            w.t("report.col.amenity"),
            w.t("report.col.teams"),
            w.t("report.col.support"),
            w.t("report.col.points"),
            w.t("report.col.location"),
            w.t("report.col.which_teams"),
        ],
        rows,
        (2.2, 1, 1, 0.8, 2, 4),
        align="LRRRLL",
    )
    if len(clusters) > MAX_LISTED:
        pdf.paragraph(w.t("report.more_in_exports", count=len(clusters) - MAX_LISTED), size=8)


# ============================================================================ places


def places_page(w: ReportWriter, which: str) -> None:
    """The places residents ask for (``asks``) or where the plan agrees (``agreements``): map and list.

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    which : str
        ``asks`` or ``agreements``.
    """
    a, pdf, lang = w.a, w.pdf, w.lang
    places = a.asks if which == "asks" else a.agreements
    pdf.page()
    pdf.heading(w.t(f"report.{which}.heading"))
    if a.plan is None:
        pdf.paragraph(w.t("report.no_plan"))
        return
    pdf.paragraph(
        w.t(
            f"report.{which}.intro",
            threshold=format_percent(a.consensus.threshold, lang, 0),
            min_area=format_number(MIN_PLACE_M2, lang, 0),
            min_width=format_number(MIN_PLACE_WIDTH_M, lang, 0),
        ),
        size=8.5,
    )
    if not places:
        pdf.paragraph(w.t("report.places.none"))
        return
    total = sum(p.area_m2 for p in places)
    pdf.paragraph(w.t("report.places.total", count=len(places), area=w.area(total)))
    outline = ASK_OUTLINE if which == "asks" else AGREE_OUTLINE
    n = a.consensus.n
    fits = int((pdf.bottom - pdf.doc.y - 16) / 8.2)  # rows of about two lines beside the map
    listed = places[: max(5, min(MAX_LISTED, fits))]

    def side(x: float, width: float) -> None:
        rows = []
        for number, p in enumerate(listed, start=1):
            row = [
                str(number),
                w.label(p.category),
                w.area(p.area_m2),
                w.t("report.k_of_n", k=format_number(p.teams, lang, 1 if p.teams % 1 else 0), n=n),
                w.t(f"consensus.direction.{p.direction}"),
                f"{p.lon:.5f}, {p.lat:.5f}",
            ]
            if which == "asks":
                row.append(w.label(p.plan_category))
            rows.append(row)
        header = [
            "№",
            w.t("figures.category"),
            w.t("report.col.area_m2"),
            w.t("report.col.teams"),
            w.t("report.col.where"),
            w.t("report.col.location"),
        ]
        widths = [0.45, 1.9, 1.4, 1.6, 2.3, 2.3]
        if which == "asks":
            header.append(w.t("report.col.plan_has"))
            widths.append(2.0)
        pdf.table(header, rows, widths, align="RLRRLLL", x=x, width=width, size=7)
        if len(places) > len(listed):
            pdf.paragraph(w.t("report.more_in_exports", count=len(places) - len(listed)), width, size=8)

    w.map_with_side(lambda size: render_places_map(a, listed, outline, lang, size), side, share=0.45)
