"""The report's design-norms section: a table per concept, the plan and the vision, and a map of failures.

Each table lists every rule of the session's pack: the rule, its source, the required and the
measured value, and the result. When a concept fails a rule somewhere, a map outlines where in
red, numbered by the table's rows. An illustrative pack says so at the head of the section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codesign.analysis.norms import NormReport
from codesign.analysis.session import SessionAnalysis
from codesign.domain.concept import Concept
from codesign.render.norms import (
    explain_result,
    format_rule_value,
    pack_caption,
    render_failures_map,
    source_text,
    status_text,
)

if TYPE_CHECKING:
    from codesign.report.writer import ReportWriter

__all__ = ["failure_map_count", "norms_pages"]

#: Size of a failures map on the page, mm (width, height).
_MAP_MM = (150.0, 95.0)


def failure_map_count(analysis: SessionAnalysis) -> int:
    """How many failure maps the section draws (for the report's progress bar).

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.

    Returns
    -------
    int
        The concepts that fail a rule somewhere on the map.
    """
    return sum(_has_map(report) for report in analysis.norms.values()) if analysis.rules is not None else 0


def _has_map(report: NormReport) -> bool:
    return any(r.status == "fail" and not r.where.is_empty for r in report.results)


def norms_pages(w: ReportWriter) -> None:
    """The norms section; nothing when the session has no rule pack.

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    """
    a, pdf = w.a, w.pdf
    if a.rules is None:
        return
    pdf.page()
    pdf.heading(w.t("report.norms.heading"))
    pdf.paragraph(pack_caption(a.rules, w.lang), size=8.5)
    if a.rules.illustrative:
        pdf.notice_box(w.t("report.norms.illustrative_title"), [w.t("report.norms.illustrative")], pdf.epw)
    pdf.paragraph(w.t("report.norms.intro"), size=8.5)
    for owner, concept in a.concepts():
        report = a.norms.get(owner)
        if report is not None:
            _concept_norms(w, owner, concept, report)


def _concept_norms(w: ReportWriter, owner: str, concept: Concept, report: NormReport) -> None:
    pdf, lang = w.pdf, w.lang
    pdf.subheading(w.t("report.norms.of", name=w.name(owner), version=concept.version), keep=45)
    pdf.paragraph(
        w.t("norms.summary", passed=report.count("pass"), failed=report.count("fail"), na=report.count("n/a")), size=8.5
    )
    rows = [
        [
            str(number),
            r.rule.label(lang),
            source_text(r.rule.source, lang, short=True),
            format_rule_value(r.required, r.unit, lang),
            format_rule_value(r.measured, r.unit, lang),
            status_text(r.status, lang),
        ]
        for number, r in enumerate(report.results, start=1)
    ]
    header = [
        "№",
        w.t("norms.rule"),
        w.t("norms.source_column"),
        w.t("norms.required"),
        w.t("norms.measured"),
        w.t("norms.status"),
    ]
    pdf.table(header, rows, [0.4, 4.4, 1.8, 1.2, 1.2, 1.5], align="RLLRRL", size=7)
    failing = [r for r in report.results if r.status == "fail"]
    if not failing:
        return
    pdf.bullets([f"{report.results.index(r) + 1}. {explain_result(r, lang, with_source=False)}" for r in failing])
    if _has_map(report):
        if pdf.bottom - pdf.doc.y < _MAP_MM[1] + 4:
            pdf.page()
        top = pdf.doc.y
        png = w.map_image(lambda size: render_failures_map(w.a.site, concept, report, lang, size), _MAP_MM)
        pdf.image(png, pdf.doc.l_margin, top, *_MAP_MM)
        pdf.doc.set_y(top + _MAP_MM[1] + 4)
