"""Design-norm checks on the pages: the tablet's badges and red outline, tables for the projector.

The tablet shows a compact row of badges under the figures, one a rule, updated with every save;
tapping one shows the rule in plain words, and a failing one outlines where it fails in red on
the map (:func:`norm_outline`, passed to the map with the concept). The comparison page shows
the concept's and the plan's checks side by side, the consensus page and the joint vision the
vision's (:func:`checks_side_by_side`, :func:`checks_table`).
"""

from __future__ import annotations

from typing import Any

import folium
import streamlit as st

from app_pages.common import error_text, lang, md, store, t
from codesign.analysis.norms import NormReport, RuleResult, check_concept
from codesign.domain.concept import Concept
from codesign.domain.rules import RulePack
from codesign.domain.session import Session
from codesign.domain.site import Site
from codesign.errors import CodesignError
from codesign.render.folium_maps import Styled, styled_layer
from codesign.render.norms import (
    FAIL_COLOUR,
    STATUS_ICONS,
    explain_result,
    format_rule_value,
    pack_caption,
    source_text,
    status_text,
)
from codesign.services.norms import session_pack, upload_pack

#: Badges: failing red, passing green, not applicable grey; big enough for a finger.
_BADGE_CSS = """<style>
[class*="st-key-norm-fail-"] button {border: 2px solid #CC3311; background: #FBE3DC; color: #7A1E0A;}
[class*="st-key-norm-pass-"] button {border: 2px solid #228833; background: #E3F2E5; color: #1A5226;}
[class*="st-key-norm-na-"] button {border: 1px solid #BBBBBB; background: #F2F2F2; color: #555555;}
[class*="st-key-norm-"] button {min-height: 2.5rem; padding: 0.15rem 0.55rem; font-size: 0.9rem;}
</style>"""


def _pack(session: Session) -> RulePack | None:
    """The session's pack; a pack that no longer reads is said once, not raised."""
    try:
        return session_pack(store(), session)
    except CodesignError as err:
        st.warning(error_text(err))
        return None


def norm_report(concept: Concept, session: Session, the_site: Site) -> NormReport | None:
    """The concept's checks, computed once per change of the concept or of the pack (kept in the browser session)."""
    pack = _pack(session)
    if pack is None:
        return None
    memo = st.session_state.get("norm_memo")
    if memo is not None and memo[0] is concept and memo[1] == pack:
        return memo[2]
    report = check_concept(concept, pack, the_site)
    st.session_state["norm_memo"] = (concept, pack, report)
    return report


def _focus_key(session: Session, owner: str) -> str:
    return f"norm_focus:{session.id}:{owner}"


def _toggle(key: str, rule_id: str) -> None:
    st.session_state[key] = None if st.session_state.get(key) == rule_id else rule_id


def norm_outline(concept: Concept, session: Session, the_site: Site, owner: str) -> folium.FeatureGroup:
    """The red outline of the failing rule the team tapped (an empty layer when none).

    Always one layer, so the map keeps the same number of layers and is never rebuilt.
    """
    report = norm_report(concept, session, the_site)
    focus = st.session_state.get(_focus_key(session, owner))
    items: list[Styled] = []
    if report is not None and focus:
        result = next((r for r in report.results if r.rule.id == focus and r.status == "fail"), None)
        if result is not None and not result.where.is_empty:
            label = result.rule.label(lang())
            for part in getattr(result.where, "geoms", [result.where]):
                shape = the_site.frame.to_lonlat(part)
                point = part.geom_type == "Point"
                items.append(
                    Styled(
                        shape,
                        FAIL_COLOUR,
                        label,
                        0.6 if point else 0.08,
                        radius=14 if point else None,
                        weight=5,
                        stroke=FAIL_COLOUR,
                    )
                )
    return styled_layer(items)


def norm_badges(concept: Concept, session: Session, the_site: Site, owner: str) -> None:
    """The row of badges (one a rule) and, for the tapped one, the rule in plain words."""
    report = norm_report(concept, session, the_site)
    if report is None:
        return
    st.html(_BADGE_CSS)
    key = _focus_key(session, owner)
    with st.container(key="norm_badges"):
        st.markdown(f"#### {t('norms.title')}")
        st.caption(md(pack_caption(report.pack, lang())))
        with st.container(horizontal=True, gap="small"):
            for result in report.results:
                status = "na" if result.status == "n/a" else result.status
                st.button(  # the key carries the status: the badge's colour (_BADGE_CSS) and a test's handle
                    md(f"{STATUS_ICONS[result.status]} {result.rule.short_label(lang())}"),
                    key=f"norm-{status}-{result.rule.id}",
                    on_click=_toggle,
                    args=(key, result.rule.id),
                )
        focus = st.session_state.get(key)
        chosen = next((r for r in report.results if r.rule.id == focus), None)
        if chosen is not None:
            with st.container(key="norm_explain"):
                show = {"fail": st.error, "pass": st.success}.get(chosen.status, st.info)
                show(md(explain_result(chosen, lang())), icon=STATUS_ICONS[chosen.status])
                if chosen.status == "fail":
                    st.caption(t("norms.outlined"))


def _rows(report: NormReport) -> list[dict[str, Any]]:
    def row(r: RuleResult) -> dict[str, Any]:
        return {
            t("norms.rule"): md(r.rule.label(lang())),
            t("norms.required"): format_rule_value(r.required, r.unit, lang()),
            t("norms.measured"): format_rule_value(r.measured, r.unit, lang()),
            t("norms.status"): f"{STATUS_ICONS[r.status]} {status_text(r.status, lang())}",
            t("norms.source_column"): md(source_text(r.rule.source, lang(), short=True)),
        }

    return [row(r) for r in report.results]


def checks_table(concept: Concept | None, session: Session, the_site: Site, key: str) -> None:
    """One concept's checks as a table (the consensus page's vision), or a note when there is none."""
    pack = _pack(session)
    if pack is None:
        return
    with st.container(key=key):
        st.markdown(f"#### {t('norms.title')}")
        st.caption(md(pack_caption(pack, lang())))
        if concept is None:
            st.caption(t("norms.nothing_saved"))
            return
        report = check_concept(concept, pack, the_site)
        st.caption(t("norms.summary", passed=report.count("pass"), failed=report.count("fail"), na=report.count("n/a")))
        st.table(_rows(report))


def checks_side_by_side(session: Session, the_site: Site, a: tuple[str, Concept], b: tuple[str, Concept]) -> None:
    """Two concepts' checks, rule by rule (the comparison page: a concept and the plan)."""
    pack = _pack(session)
    if pack is None:
        return
    (name_a, concept_a), (name_b, concept_b) = a, b
    report_a, report_b = check_concept(concept_a, pack, the_site), check_concept(concept_b, pack, the_site)
    rows = []
    for ra, rb in zip(report_a.results, report_b.results, strict=True):
        rows.append(
            {
                t("norms.rule"): md(ra.rule.label(lang())),
                t("norms.required"): format_rule_value(ra.required, ra.unit, lang()),
                md(name_a): f"{STATUS_ICONS[ra.status]} {format_rule_value(ra.measured, ra.unit, lang())}",
                md(name_b): f"{STATUS_ICONS[rb.status]} {format_rule_value(rb.measured, rb.unit, lang())}",
                t("norms.source_column"): md(source_text(ra.rule.source, lang(), short=True)),
            }
        )
    with st.container(key="compare_norms"):
        st.markdown(f"#### {t('norms.title')}")
        st.caption(md(pack_caption(pack, lang())))
        st.table(rows)


def pack_upload(session: Session) -> None:
    """The facilitator's choice of rule pack: the one in use, upload another, or back to the site's."""
    with st.expander(t("norms.pack_title")), st.container(key="norm_pack"):
        pack = _pack(session)
        stored = store().load_rules(session.id)
        if pack is not None:
            st.caption(md(pack_caption(pack, lang())))
            st.caption(t("norms.pack_uploaded", name=stored.name) if stored else t("norms.pack_site"))
        upload = st.file_uploader(
            t("norms.upload"), type=["toml"], key=f"norm_upload_{session.id}", help=t("norms.upload_help")
        )
        use, reset = st.columns(2)
        if use.button(t("norms.use_pack"), disabled=upload is None, type="primary", key="norm_use"):
            try:
                new = upload_pack(store(), session.id, upload.name, upload.getvalue())
                st.success(t("norms.pack_saved", title=new.label(lang()), count=len(new.rules)))
            except CodesignError as err:
                st.error(error_text(err))
        if reset.button(t("norms.reset_pack"), disabled=stored is None, key="norm_reset"):
            store().save_rules(session.id, None)
            st.rerun()
