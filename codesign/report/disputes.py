"""The report's section on votes that settled disputes: each contested area, its uses, the tally, the decision.

Registered in :func:`codesign.report.sections.build_report` after the dot votes; nothing is
printed when the facilitator never sent contested areas to a vote.
"""

from __future__ import annotations

from codesign.domain.disputes import region_tally, winner
from codesign.i18n import format_number
from codesign.report.writer import ReportWriter

__all__ = ["disputes_page"]


def disputes_page(w: ReportWriter) -> None:
    """The tally per contested area, and what went into the joint vision.

    Parameters
    ----------
    w : ReportWriter
        The report being written.
    """
    vote = w.a.disputes
    if vote is None or vote.status == "none" or not vote.regions:
        return
    pdf = w.pdf
    rows = []
    for region in vote.regions:
        counts = region_tally(vote, region.id)
        won = winner(vote, region.id)
        rows.append(
            [
                region.id,
                w.area(region.area_m2),
                "; ".join(f"{w.label(use)}: {format_number(n, w.lang, 0)}" for use, n in counts.items()),
                w.label(won) if won is not None else w.t("report.disputes.undecided"),
            ]
        )
    voters = sorted({b.team for b in vote.ballots})
    pdf.gap(4)
    pdf.subheading(w.t("disputes.title"))
    pdf.paragraph(
        w.t(
            "report.disputes.intro",
            count=len(vote.regions),
            teams=", ".join(w.name(team) for team in voters) or "—",
        )
    )
    pdf.table(
        [
            w.t("report.disputes.area_col"),
            w.t("report.col.contested_m2"),
            w.t("report.disputes.tally_col"),
            w.t("report.disputes.decision_col"),
        ],
        rows,
        (0.6, 0.8, 3.2, 1.4),
        align="LRLL",
    )
    if vote.applied_version:
        pdf.paragraph(w.t("disputes.applied", version=vote.applied_version))
