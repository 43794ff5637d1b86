"""The report's sections, in order, and :func:`build_report` that lays them out.

Title page (the site map, the session, the teams), summary, each concept with its figures,
the plan, each concept against the plan (:mod:`codesign.report.findings`), the consensus,
support by dot votes, the joint vision, the places residents ask for and where the plan
agrees, and the methods.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from pyproj import Proj

from codesign.analysis.compare import DEFAULT_MATCH_DISTANCE_M, MOVED_MIN_SHARE, OUTCOMES
from codesign.analysis.consensus import DEFAULT_CLUSTER_DISTANCE_M, STATES, consensus_sentences, describe_finding
from codesign.analysis.figures import Figures
from codesign.analysis.session import MIN_PLACE_M2, MIN_PLACE_WIDTH_M, SessionAnalysis
from codesign.domain.concept import Concept
from codesign.domain.paper import from_paper, paper_note
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.votes import CONSENSUS_TARGET
from codesign.errors import CodesignError
from codesign.i18n import LANGUAGES, format_number, translate
from codesign.render.mpl_map import SiteMap, render_concept_map
from codesign.render.text import format_kappa, format_percent, format_time
from codesign.report.decisions import cost_section, provenance_appendix, reasons_section
from codesign.report.disputes import disputes_page
from codesign.report.findings import comparison_pages, consensus_pages, places_page
from codesign.report.norms import norms_pages
from codesign.report.pdf import PAPER_SIZES_MM
from codesign.report.writer import ProgressCallback, ReportWriter

__all__ = ["build_report"]


def build_report(
    analysis: SessionAnalysis, lang: str, paper: str = "a4", progress: ProgressCallback | None = None
) -> bytes:
    """The session's comparison report as PDF bytes (A4 or A3 landscape, in ru, kk or en).

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis (:func:`codesign.services.analysis.load_analysis`).
    lang : str
        ``ru``, ``kk`` or ``en``.
    paper : str
        ``a4`` or ``a3``.
    progress : ProgressCallback or None
        ``progress(fraction, message)`` hears how far it is (messages in ``lang``).

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    ValueError
        For a language or paper size the report does not know.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    if paper not in PAPER_SIZES_MM:
        raise ValueError(f"paper must be one of {tuple(PAPER_SIZES_MM)}, got {paper!r}")
    if progress is not None:
        progress(0.0, translate("report.progress.analysis", lang))
    w = ReportWriter(analysis, lang, paper, progress)
    w.step(w.t("report.progress.pages"))
    title_page(w)
    summary_page(w)
    for team, concept in analysis.teams:
        concept_pages(w, team.id, concept, team.colour)
    if analysis.plan is not None:
        concept_pages(w, PLAN_OWNER, analysis.plan, None)
    for team, concept in analysis.teams:
        comparison_pages(w, team.id, concept)
    consensus_pages(w)
    votes_page(w)
    disputes_page(w)
    if analysis.vision is not None:
        concept_pages(w, VISION_OWNER, analysis.vision, None)
        comparison_pages(w, VISION_OWNER, analysis.vision)
    places_page(w, "asks")
    reasons_section(w)
    places_page(w, "agreements")
    norms_pages(w)
    cost_section(w)
    methods_page(w)
    provenance_appendix(w)
    w.tell(0.98, w.t("report.progress.writing"))
    data = w.pdf.output()
    w.tell(1.0, w.t("report.progress.done"))
    return data


def title_page(w: ReportWriter) -> None:
    """The title page: the session, its site and dates, notices, the teams; the site map on the right.

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    """
    a, pdf, doc = w.a, w.pdf, w.pdf.doc
    session, site = a.session, a.site
    pdf.page()
    left = pdf.epw * 0.52
    map_x, map_w = doc.l_margin + left + 8, pdf.epw - left - 8
    map_h = min(pdf.bottom - 22, map_w * 1.05)
    png = w.map_image(lambda size: SiteMap(site, w.lang, size, legend_mm=0.001).png(), (map_w, map_h))
    pdf.image(png, map_x, 22, map_w, map_h)
    doc.set_xy(doc.l_margin, doc.t_margin)
    pdf.paragraph(w.t("report.document_title"), left, size=10, colour=(90, 90, 90))
    doc.set_font("DejaVu", "B", 20)
    doc.multi_cell(left, 9, session.title, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.gap(2)
    pdf.paragraph(
        w.t("report.site", name=site.name(w.lang), city=site.city(w.lang), region=site.region(w.lang)),
        left,
        size=11,
    )
    pdf.paragraph(w.t("report.date", date=session.date), left, size=10)
    crs = a.frame.crs
    pdf.paragraph(
        w.t("report.crs", crs=crs.name, epsg=crs.to_epsg() or "—", area=w.area(a.frame.area_m2)),
        left,
        size=8.5,
        colour=(80, 80, 80),
    )
    for owner, concept in ((PLAN_OWNER, a.plan), (VISION_OWNER, a.vision)):
        if concept is None:
            text = w.t(f"report.{owner}_missing")
        else:
            time = format_time(concept.saved_at)
            text = w.t("report.other_saved", name=w.name(owner), version=concept.version, time=time)
        pdf.paragraph(text, left, size=8.5)
    notices = illustrative_lines(w)
    if notices:
        pdf.gap(1)
        pdf.notice_box(w.t("report.illustrative_title"), notices, left)
    pdf.paragraph(
        w.t("report.generated", time=datetime.now(UTC).strftime("%Y-%m-%d %H:%M")),
        left,
        size=7.5,
        colour=(110, 110, 110),
    )
    needed = 14 + 6 * len(session.teams)
    if doc.y + needed > pdf.bottom:  # many teams: their list gets a page of its own
        pdf.page()
        left = pdf.epw
    pdf.subheading(w.t("report.teams"), left)
    teams_table(w, left)


def teams_table(w: ReportWriter, width: float) -> None:
    """Every team of the session with its colour, its concept's title and saved version.

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    width : float
        The table's width, mm.
    """
    from fpdf.fonts import FontFace

    saved = {team.id: concept for team, concept in w.a.teams}
    doc = w.pdf.doc
    doc.set_font("DejaVu", "", 8)
    doc.set_fill_color(255, 255, 255)
    with doc.table(
        col_widths=(0.25, 3.0, 3.1, 2.9),
        width=width,
        align="LEFT",
        text_align=("LEFT", "LEFT", "LEFT", "LEFT"),
        line_height=4,
        padding=(0.6, 1.0),
        borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD", fill_color=(232, 236, 228)),
        markdown=False,
    ) as table:
        header = table.row()
        for text in (
            "",
            w.t("report.col.team"),
            w.t("report.col.concept_title"),
            w.t("report.col.version"),
        ):
            header.cell(text)
        for team in w.a.session.teams:
            concept = saved.get(team.id)
            row = table.row()
            row.cell("", style=FontFace(fill_color=team.colour))
            row.cell(team.name)
            row.cell(concept.title if concept else "")
            if concept is None:
                row.cell(w.t("report.not_saved"))
            else:
                version = w.t("report.version_short", version=concept.version, time=format_time(concept.saved_at))
                row.cell(version + (f" · {paper_note(concept, w.lang)}" if from_paper(concept) else ""))
    doc.set_font("DejaVu", "", 9)


def illustrative_lines(w: ReportWriter) -> list[str]:
    """What in the report is invented: the site, the session, concepts.

    Parameters
    ----------
    w : ReportWriter
        The report being written.

    Returns
    -------
    list of str
        One line per invented part; empty when all is real.
    """
    a = w.a
    lines = []
    if a.site.illustrative:
        lines.append(a.site.notice(w.lang) or w.t("map.illustrative"))
    if a.session.illustrative:
        lines.append(w.t("report.illustrative_session"))
    owners = a.illustrative_concepts()
    if owners:
        lines.append(w.t("report.illustrative_concepts", names=", ".join(w.name(o) for o in owners)))
    return lines


def summary_page(w: ReportWriter) -> None:
    """The summary: every concept against the plan in one table, the consensus in figures and words.

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    """
    a, pdf = w.a, w.pdf
    pdf.page()
    pdf.heading(w.t("report.summary.heading"))
    if a.plan is None:
        pdf.paragraph(w.t("report.no_plan"))
    else:
        pdf.subheading(w.t("report.summary.vs_plan"))
        _against_plan_table(w)
    consensus = a.consensus
    pdf.subheading(w.t("report.summary.consensus", n=consensus.n))
    designed = float(consensus.areas.sum())
    pdf.table(
        [
            w.t("report.col.designed_m2"),
            w.t("report.col.agreed_m2"),
            w.t("report.col.contested_m2"),
            w.t("report.col.single_m2"),
            w.t("consensus.fleiss"),
        ],
        [
            [
                w.area(designed),
                *(w.area(consensus.area_in(state)) for state in STATES),
                format_kappa(consensus.fleiss_kappa, w.lang),
            ]
        ],
        (1, 1, 1, 1, 1),
        align="RRRRR",
    )
    sentences = [describe_finding(n, w.lang) for n in consensus_sentences(consensus, a.plan)]
    if sentences:
        pdf.subheading(w.t("compare.main_differences"))
        pdf.bullets(sentences)
    pdf.paragraph(w.t("report.summary.reading"), size=8, colour=(90, 90, 90))


def _against_plan_table(w: ReportWriter) -> None:
    """Every concept's agreement with the plan, kappa, designed area and plan-zone outcomes."""
    rows = [
        [
            w.name(owner),
            format_percent(result.agreement, w.lang),
            format_kappa(result.kappa, w.lang),
            w.area(result.designed_m2),
            *(str(n) for n in result.outcome_counts().values()),
        ]
        for owner, result in w.a.comparisons.items()
    ]
    w.pdf.table(
        [
            w.t("report.col.concept"),
            w.t("compare.agreement"),
            w.t("compare.kappa"),
            w.t("report.col.designed_m2"),
            *(w.t(f"report.col.{outcome}") for outcome in OUTCOMES),
        ],
        rows,
        (30, 11, 11, 13, 9, 9, 9, 9),
    )


def concept_pages(w: ReportWriter, owner: str, concept: Concept, colour: str | None) -> None:
    """A concept: its title, description and map, with its figures beside it.

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    owner : str
        A team id, ``plan`` or ``vision``.
    concept : Concept
        The concept.
    colour : str or None
        The team's colour (a swatch before the heading).
    """
    pdf = w.pdf
    pdf.page()
    if owner == PLAN_OWNER:
        pdf.heading(w.t("report.plan.heading"))
    elif owner == VISION_OWNER:
        pdf.heading(w.t("report.vision.heading"))
    else:
        if colour:
            pdf.swatch(colour, 4.5)
        pdf.heading(w.t("report.concept.heading", team=w.name(owner)))
    meta = w.t("report.saved_version", version=concept.version, time=format_time(concept.saved_at))
    meta += f" · {paper_note(concept, w.lang)}" if from_paper(concept) else ""
    if concept.title:
        pdf.subheading(concept.title)
    pdf.paragraph(meta, size=8, colour=(90, 90, 90))
    if concept.description:
        pdf.paragraph(concept.description, size=8.5)
    figures = w.a.figures[owner]

    def side(x: float, width: float) -> None:
        figures_tables(w, figures, x, width)

    w.map_with_side(lambda size: render_concept_map(w.a.site, concept, w.lang, size), side)


def figures_tables(w: ReportWriter, figures: Figures, x: float, width: float) -> None:
    """A concept's zone areas, path lengths and amenity counts, in a column.

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    figures : Figures
        The concept's figures.
    x : float
        The column's left edge, mm.
    width : float
        Its width, mm.
    """
    pdf, lang = w.pdf, w.lang
    if not (figures.zone_area_m2 or figures.path_length_m or figures.amenity_count):
        pdf.paragraph(w.t("report.figures.none"), width)
        return
    if figures.zone_area_m2:
        rows = [
            [w.label(cid), w.area(m2), format_percent(figures.zone_share(cid), lang)]
            for cid, m2 in figures.zone_area_m2.items()
        ]
        pdf.table(
            [w.t("report.col.zone"), w.t("report.col.area_m2"), w.t("figures.share")],
            rows,
            (3, 1.4, 1.3),
            x=x,
            width=width,
        )
    if figures.path_length_m:
        rows = [[w.label(cid), format_number(m, lang, 0)] for cid, m in figures.path_length_m.items()]
        pdf.table([w.t("report.col.path"), w.t("report.col.length_m")], rows, (3, 2.7), x=x, width=width)
    if figures.amenity_count:
        rows = [[w.label(cid), str(n)] for cid, n in figures.amenity_count.items()]
        pdf.table([w.t("report.col.amenity"), w.t("report.col.count")], rows, (3, 2.7), x=x, width=width)


def votes_page(w: ReportWriter) -> None:
    """Support by dot votes: the shapes the room put most dots on (nothing when nobody voted).

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    """
    if not w.a.votes:
        return
    pdf = w.pdf
    concepts = {team.id: concept for team, concept in w.a.teams}
    rows = []
    for (owner, feature_id), dots in w.a.votes[:25]:
        if owner == CONSENSUS_TARGET:
            who, what = w.t("votes.consensus"), w.t("votes.agreed_area", category=w.label(feature_id))
        else:
            who, what = w.name(owner), feature_id
            concept = concepts.get(owner)
            with contextlib.suppress(CodesignError):
                feature = concept.feature(feature_id) if concept is not None else None
                if feature is not None:
                    what = f"{feature_id} · {w.label(feature.category)}" + (
                        f" · {feature.label}" if feature.label else ""
                    )
        rows.append([who, what, format_number(dots, w.lang, 0)])
    pdf.gap(4)
    pdf.subheading(w.t("consensus.votes", count=sum(d for _, d in w.a.votes)))
    pdf.table([w.t("facilitator.team"), w.t("projector.shape"), w.t("projector.dots_col")], rows, (1.4, 2.6, 0.6))


def methods_page(w: ReportWriter) -> None:
    """How every figure is measured, with the parameters this report used, in two columns.

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    """
    a, pdf, lang = w.a, w.pdf, w.lang
    pdf.page()
    pdf.heading(w.t("report.methods.heading"))
    frame = a.frame
    centre = frame.boundary_lonlat.centroid

    scale = Proj(frame.crs).get_factors(centre.x, centre.y).meridional_scale
    params = {
        "crs": frame.crs.name,
        "epsg": frame.crs.to_epsg() or "—",
        "scale": format_number(scale, lang, 5),
        "threshold": format_percent(a.consensus.threshold, lang, 0),
        "match": format_number(
            next(iter(a.comparisons.values())).match_distance_m if a.comparisons else DEFAULT_MATCH_DISTANCE_M, lang, 0
        ),
        "cluster": format_number(DEFAULT_CLUSTER_DISTANCE_M, lang, 0),
        "moved": format_percent(MOVED_MIN_SHARE, lang, 0),
        "min_area": format_number(MIN_PLACE_M2, lang, 0),
        "min_width": format_number(MIN_PLACE_WIDTH_M, lang, 0),
    }
    column = (pdf.epw - 8) / 2
    keys = [
        "crs",
        "maps",
        "figures",
        "categorical",
        "agreement",
        "kappa",
        "outcomes",
        "amenities",
        "consensus",
        "fleiss",
        "clusters",
        "places",
    ]
    doc = pdf.doc
    top = doc.y
    half = (len(keys) + 1) // 2
    for index, key in enumerate(keys):
        if index == half:
            doc.set_xy(doc.l_margin + column + 8, top)
        x = doc.x
        pdf.subheading(w.t(f"report.methods.{key}.title"), column)
        doc.set_x(x)
        pdf.paragraph(w.t(f"report.methods.{key}", **params), column, size=8)
        doc.set_x(x)
