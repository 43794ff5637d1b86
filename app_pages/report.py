"""The report page: the main figures, then the PDF report and the files for the architecture department."""

from __future__ import annotations

import time

import streamlit as st

from app_pages.common import LANGUAGE_NAMES, consensus_metrics, desk_page, error_text, lang, md, num, store, t
from codesign.analysis.session import SessionAnalysis, owner_name
from codesign.domain.session import PLAN_OWNER, VISION_OWNER, Session
from codesign.errors import CodesignError
from codesign.export import EXPORT_FORMATS, export_to
from codesign.i18n import LANGUAGES
from codesign.render.text import format_kappa, format_percent
from codesign.report import PAPER_SIZES_MM, build_report
from codesign.services.analysis import load_analysis

#: Download file name ending and MIME type of each file.
DOWNLOADS = {
    "pdf": (".pdf", "application/pdf"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
    "dxf": (".dxf", "image/vnd.dxf"),
    "geojson": ("-geojson.zip", "application/zip"),
    "csv": ("-tables-csv.zip", "application/zip"),
}

session = desk_page("report.title", "report_session", reviewer_ok=True)


def saved_versions(session: Session) -> tuple[tuple[str, int], ...]:
    """(owner, latest version) of every team, the plan and the vision: changes after any save."""
    owners = [team.id for team in session.teams] + [PLAN_OWNER, VISION_OWNER]
    return tuple((owner, store().latest_version(session.id, owner)) for owner in owners)


@st.cache_resource(max_entries=4, show_spinner=False)
def analysis_for(session_id: str, versions: tuple[tuple[str, int], ...]) -> SessionAnalysis:
    """The session's analysis (cached: recomputed only after a save)."""
    return load_analysis(store(), session_id)


versions = saved_versions(session)
try:
    analysis = analysis_for(session.id, versions)
except CodesignError as err:
    st.info(error_text(err))
    st.stop()

st.markdown(f"#### {t('report.preview')}")
with st.container(key="report_preview"):
    result = analysis.consensus
    consensus_metrics(result)
    if analysis.plan is None:
        st.info(t("report.no_plan"))
    else:
        st.markdown(f"**{t('report.summary.vs_plan')}**")
        rows = [
            {
                t("report.col.concept"): md(owner_name(session, owner, lang())),
                t("compare.agreement"): format_percent(comparison.agreement, lang()),
                t("compare.kappa"): format_kappa(comparison.kappa, lang()),
                t("report.col.designed_m2"): num(comparison.designed_m2),
                **{t(f"report.col.{o}"): n for o, n in comparison.outcome_counts().items()},
            }
            for owner, comparison in analysis.comparisons.items()
        ]
        st.table(rows)

st.divider()
left, right = st.columns(2)
report_lang = left.segmented_control(
    t("report.language"), list(LANGUAGES), format_func=LANGUAGE_NAMES.__getitem__, default=lang(), key="report_lang"
)
paper = right.segmented_control(
    t("report.paper"), list(PAPER_SIZES_MM), format_func=str.upper, default="a4", key="report_paper"
)
report_lang, paper = report_lang or lang(), paper or "a4"
wanted = (session.id, versions, report_lang, paper)

if st.button(t("report.build"), type="primary", key="report_build"):
    bar = st.progress(0.0, text=t("report.progress.analysis"))
    started = time.perf_counter()
    try:
        files = {
            "pdf": build_report(
                analysis, report_lang, paper, progress=lambda share, message: bar.progress(share, text=message)
            )
        }
        files |= {fmt: export_to(fmt, analysis) for fmt in EXPORT_FORMATS}
        st.session_state.report_files = {"for": wanted, "files": files, "seconds": time.perf_counter() - started}
    except CodesignError as err:
        st.error(error_text(err))

built = st.session_state.get("report_files")
if built and built["for"] == wanted:
    pdf_size = len(built["files"]["pdf"]) / 1e6
    st.success(t("report.built", seconds=num(built["seconds"], 1), size=num(pdf_size, 1)))
    with st.container(key="report_downloads"):
        buttons = st.columns(len(DOWNLOADS))
        for column, (fmt, (ending, mime)) in zip(buttons, DOWNLOADS.items(), strict=True):
            name = f"{session.id}-{report_lang}-{paper}{ending}" if fmt == "pdf" else f"{session.id}{ending}"
            column.download_button(
                t(f"report.download.{fmt}"),
                data=built["files"][fmt],
                file_name=name,
                mime=mime,
                key=f"report_download_{fmt}",
                on_click="ignore",
                use_container_width=True,
            )
    st.caption(t("report.files_help"))
