"""The tablet's running cost and budget bar, under the figures (a call in app_pages/editor.py).

The concept's cost with the session's price list (:func:`codesign.analysis.cost.concept_cost`),
updated with every save since the editor reruns; the bar of the budget when the facilitator set
one (:func:`codesign.render.budget.budget_bar_html`); the categories without a price; a note
while the prices are illustrative. In the joint vision, under the chosen feature, where it came
from (:func:`feature_provenance`).
"""

from __future__ import annotations

import streamlit as st

from app_pages.common import lang, md, store, t
from codesign.analysis.compare import category_label
from codesign.analysis.cost import concept_cost
from codesign.domain.concept import Concept
from codesign.domain.session import Session
from codesign.domain.site import Site
from codesign.errors import CodesignError
from codesign.render.budget import budget_bar_html
from codesign.render.provenance_text import provenance_lines
from codesign.render.text import format_money


def cost_panel(concept: Concept, session: Session, the_site: Site) -> None:
    """The running cost of ``concept`` and the budget bar (nothing said when the store cannot be read)."""
    try:
        costing = store().load_costing(session.id)
    except CodesignError:
        return
    estimate = concept_cost(concept, the_site.frame, costing.prices)
    with st.container(key="cost_panel"):
        total = format_money(estimate.total, estimate.currency, lang())
        st.markdown(f"#### {t('cost.total', amount=total)}")
        bar = budget_bar_html(estimate.total, costing.budget, estimate.currency, lang())
        if bar:
            st.html(bar)
        else:
            st.caption(t("cost.no_budget"))
        unpriced = estimate.unpriced()
        if unpriced:
            st.caption(t("cost.unpriced", names=", ".join(category_label(c, lang()) for c in unpriced)))
        if costing.prices.illustrative:
            st.caption("ℹ️ " + t("cost.illustrative"))


def feature_provenance(concept: Concept, session: Session) -> None:
    """Where the feature chosen in the feature panel came from (only features that keep it: the vision's)."""
    chosen = st.session_state.get("feature_pick")
    feature = next((f for f in concept.features if f.id == chosen), None)
    if feature is None or feature.provenance is None:
        return
    names = {team.id: team.name for team in session.teams}
    with st.container(key="feature_provenance"):
        st.caption(md(" · ".join(provenance_lines(feature.provenance, names, lang()))))
