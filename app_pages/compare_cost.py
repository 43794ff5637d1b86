"""The comparison page's cost and reasons (calls in app_pages/compare.py).

- :func:`cost_comparison`: the two concepts' cost by category with the session's price list, and
  the difference (:func:`codesign.analysis.cost.cost_difference`), each against the budget;
- :func:`reasons_panel`: for each difference from the akimat's plan that the comparison lists,
  the room's reason: quick choices and the residents' words, recorded by the facilitator and
  kept with the session (:func:`codesign.domain.reasons.record_reason`); a reviewer sees them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from app_pages.common import can_change, error_text, lang, md, store, t, t_text
from codesign.analysis.compare import Comparison, category_label, describe
from codesign.analysis.cost import concept_cost, cost_difference
from codesign.domain.concept import Concept
from codesign.domain.notices import Notice
from codesign.domain.reasons import (
    MAX_REASON_TEXT,
    REASON_CHOICES,
    Reason,
    choice_labels,
    difference_key,
    reasons_for,
    record_reason,
)
from codesign.domain.session import PLAN_OWNER, Session
from codesign.domain.site import Site
from codesign.errors import CodesignError
from codesign.render.budget import budget_words
from codesign.render.text import format_money, format_signed_money


def cost_comparison(
    session: Session, concepts: tuple[Concept, Concept], names: tuple[str, str], the_site: Site
) -> None:
    """The two concepts' cost by category and the difference (the first minus the second)."""
    costing = store().load_costing(session.id)
    prices = costing.prices
    a, b = (concept_cost(c, the_site.frame, prices) for c in concepts)
    currency = prices.currency
    if names[0] == names[1]:  # two teams of one name: two columns still
        names = (names[0], f"{names[1]} (2)")

    def money(amount: float | None) -> str:
        return format_money(amount, currency, lang())

    st.markdown(f"#### {t('cost.vs', a=names[0], b=names[1])}")
    rows = [
        {
            t("figures.category"): category_label(cid, lang()),
            names[0]: money(cost_a),
            names[1]: money(cost_b),
            t("cost.col.difference"): format_signed_money(diff, currency, lang()),
        }
        for cid, (cost_a, cost_b, diff) in cost_difference(a, b).items()
    ]
    rows.append(
        {
            t("figures.category"): t_text("cost.col.total"),
            names[0]: money(a.total),
            names[1]: money(b.total),
            t("cost.col.difference"): format_signed_money(a.total - b.total, currency, lang()),
        }
    )
    with st.container(key="compare_cost"):
        m1, m2, m3 = st.columns(3)
        m1.metric(md(names[0]), money(a.total), help=budget_words(a.total, costing.budget, currency, lang()) or None)
        m2.metric(md(names[1]), money(b.total), help=budget_words(b.total, costing.budget, currency, lang()) or None)
        m3.metric(t("cost.col.difference"), format_signed_money(a.total - b.total, currency, lang()))
        st.dataframe(rows, hide_index=True, width="stretch")
        unpriced = sorted(set(a.unpriced()) | set(b.unpriced()))
        if unpriced:
            st.caption(t("cost.unpriced", names=", ".join(category_label(c, lang()) for c in unpriced)))
        if prices.illustrative:
            st.caption("ℹ️ " + t("cost.illustrative"))


def _record(session_id: str, reason: Reason) -> None:
    try:
        store().update_reasons(session_id, lambda reasons: record_reason(reasons, reason))
    except CodesignError as err:
        st.session_state["reason_error"] = error_text(err)
        return
    cleared = not reason.choices and not reason.text.strip()
    st.session_state["reason_saved"] = t("reasons.cleared" if cleared else "reasons.saved")


def reasons_panel(session: Session, owner: str, against: str, result: Comparison) -> None:
    """The room's reason for each difference of ``owner``'s concept from the plan."""
    st.markdown(f"#### {t('reasons.title')}")
    if against != PLAN_OWNER:
        st.caption(t("reasons.against_plan_only"))
        return
    differences = [(key, n) for n in result.sentences() if (key := difference_key(n)) is not None]
    if not differences:
        st.caption(t("reasons.none_listed"))
        return
    for flag, show in (("reason_saved", st.success), ("reason_error", st.error)):
        if flag in st.session_state:
            show(st.session_state.pop(flag))
    given = reasons_for(store().load_reasons(session.id), owner)
    editable = can_change()
    st.caption(t("reasons.help") if editable else t("reasons.facilitator_only"))
    for number, (key, notice) in enumerate(differences, start=1):
        earlier = given.get(key)
        with st.container(border=True, key=f"reason_{number}"):
            st.markdown(f"**{number}.** {md(describe(notice, lang()))}")
            if not editable:
                words = choice_labels(earlier.choices, lang()) if earlier else ""
                text = f" — «{md(earlier.text)}»" if earlier and earlier.text else ""
                st.caption(t("reasons.recorded", choices=words or "—") + text if earlier else "—")
                continue
            _reason_form(session.id, owner, key, notice, earlier, number)


def _reason_form(session_id: str, owner: str, key: str, notice: Notice, earlier: Reason | None, number: int) -> None:
    """Quick choices and words for one difference, recorded with one button."""
    form_key = f"reason_form_{owner}_{number}_{key}"
    with st.form(form_key, border=False):
        choices = st.pills(
            t("reasons.choices"),
            REASON_CHOICES,
            selection_mode="multi",
            default=list(earlier.choices) if earlier else [],
            format_func=lambda c: t_text(f"reason.{c}"),
            key=f"{form_key}_choices",
        )
        text = st.text_input(
            t("reasons.text"), value=earlier.text if earlier else "", max_chars=MAX_REASON_TEXT, key=f"{form_key}_text"
        )
        if st.form_submit_button(t("reasons.record")):
            now = datetime.now(UTC).isoformat(timespec="seconds")
            reason = Reason(owner, key, tuple(choices or ()), text or "", notice, now)
            _record(session_id, reason)
            st.rerun()
