"""The dispute ballot on a team's tablet: one use per contested region, while the vote is open."""

from __future__ import annotations

import streamlit as st

from app_pages.common import error_text, lang, num, site, store, t
from codesign.domain.session import Session
from codesign.domain.taxonomy import category
from codesign.errors import CodesignError
from codesign.render.icons import streamlit_icon
from codesign.render.region_svg import region_svg
from codesign.services.disputes import cast_dispute_ballot
from codesign.services.gate import WriteGate, Writer


def dispute_ballot(session: Session, team: object) -> None:
    """While the facilitator's dispute vote is open: each region, its competing uses, this team's choice."""
    vote = store().load_disputes(session.id)
    if not vote.is_open:
        return
    team_id = str(getattr(team, "id", ""))
    the_site = site(session.site)
    with st.container(key="dispute_ballot", border=True):
        st.markdown(f"### {t('disputes.ballot_title')}")
        st.caption(t("disputes.ballot_help"))
        for region in vote.regions:
            mine = vote.ballot_of(team_id, region.id)
            with st.container(key=f"dispute_{region.id}"):
                picture, choices = st.columns([2, 3], vertical_alignment="center")
                picture.image(region_svg(region.geometry, the_site, width=300, height=200))
                choices.markdown(t("disputes.region", region=region.id, area=num(region.area_m2)))
                for use in region.choices:  # no running tally here: each team chooses without seeing the others
                    label = f"{streamlit_icon(category(use).icon)} {category(use).label(lang())}"
                    chosen = use == mine
                    if choices.button(
                        ("✓ " if chosen else "") + label,
                        key=f"ballot_{region.id}_{use}",
                        type="primary" if chosen else "secondary",
                        width="stretch",
                    ):
                        gate = WriteGate(store(), session.id, Writer.team(team_id, getattr(team, "token", None)))
                        try:
                            cast_dispute_ballot(gate, region.id, use)
                            st.rerun()
                        except CodesignError as err:
                            st.error(error_text(err))
