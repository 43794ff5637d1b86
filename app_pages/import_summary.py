"""What a file or a photo becomes before it is saved: kept, unmapped and refused features (plan and paper pages)."""

from __future__ import annotations

import streamlit as st

from app_pages.common import md, num, t
from codesign.analysis.figures import concept_figures
from codesign.domain.site import Site
from codesign.io import ImportResult


def import_summary(result: ImportResult, the_site: Site, key: str, *, list_unmapped: bool = True) -> None:
    """The counts and designed area of a built concept, then the unmapped and refused features listed."""
    figures = concept_figures(result.concept, the_site.frame)
    with st.container(key=key):
        st.markdown(
            t(
                "plan.summary",
                kept=len(result.concept.features),
                unmapped=len(result.unmapped),
                rejected=len(result.rejected),
                area=num(sum(figures.zone_area_m2.values())),
            )
        )
        if list_unmapped and result.unmapped:
            with st.expander(t("plan.unmapped_list", count=len(result.unmapped))):
                st.table(
                    [
                        {t("plan.feature"): i, t("plan.value"): md(v), t("plan.geometry"): g}
                        for i, v, g in result.unmapped
                    ]
                )
        if result.rejected:
            with st.expander(t("plan.rejected_list", count=len(result.rejected))):
                st.table([{t("plan.feature"): i, t("plan.reason"): t(n.key, **n.params)} for i, n in result.rejected])
